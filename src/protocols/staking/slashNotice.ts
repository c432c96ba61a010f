import { Schema } from 'effect'
import { PubKeyHex } from './fieldSchemas.ts'

/**
 * What validators tell stake aggregators after committing a block that slashed: the
 * staking contract and EigenLayer carry out the slash off chain, so the aggregator's view
 * of the stake sources must lose what the chain took (see `applySlash`), or its next
 * total would put the slashed stake back. Every validator sends the same notice; an
 * aggregator believes one once validators of more than a third of the voting power sent
 * it (`noticeBelieved`), so lying validators below a third — what BFT assumes of the
 * byzantine — cannot take stake from anyone, however many nodes they are. Validators
 * keep their latest notices and hand them to an aggregator that asks, so that one down or
 * cut off when a notice went out still hears it.
 */

export const STAKING_EVENTS_TOPIC = 'staking-events'

export const SlashNoticeSchema = Schema.Struct({
  /** The height of the block that carried the slash out. */
  height: Schema.NonNegativeInt,
  pubKey: PubKeyHex,
  reason: Schema.String,
  /** The fraction taken, in parts per million, as decimal digits. */
  fractionPpm: Schema.String.pipe(
    Schema.pattern(/^\d{1,7}$/),
    Schema.filter((ppm) => Number(ppm) <= 1_000_000 || 'a fraction is at most 1000000 ppm'),
  ),
})
export type SlashNotice = typeof SlashNoticeSchema.Type

/** How many of its latest notices a validator keeps for aggregators that ask. */
export const KEPT_SLASH_NOTICES = 256

/** An aggregator asks a validator for the notices it keeps; the reply is `staking.slash-notices`. */
const GetSlashNoticesSchema = Schema.Struct({})
const SlashNoticesSchema = Schema.Struct({ notices: Schema.Array(SlashNoticeSchema).pipe(Schema.maxItems(KEPT_SLASH_NOTICES)) })
export type SlashNotices = typeof SlashNoticesSchema.Type

export const stakingKinds = {
  'staking.slashed': SlashNoticeSchema,
  'staking.get-slash-notices': GetSlashNoticesSchema,
  'staking.slash-notices': SlashNoticesSchema,
} as const

/** Two notices of one slash are the same notice, whoever sent them. */
export const slashNoticeKey = (notice: SlashNotice): string => `${notice.height}/${notice.pubKey}/${notice.reason}/${notice.fractionPpm}`

/**
 * Whether the validators `senders` (public keys) hold more than a third of `powers`, the
 * voting power of each validator as the aggregator's view of the stake has it: what the
 * chain holds once its changes land, jailing and the set's size cap aside.
 */
export const noticeBelieved = (senders: Iterable<string>, powers: ReadonlyMap<string, bigint>): boolean => {
  let total = 0n
  for (const power of powers.values()) total += power
  let sent = 0n
  for (const sender of new Set(senders)) sent += powers.get(sender) ?? 0n
  return 3n * sent > total
}
