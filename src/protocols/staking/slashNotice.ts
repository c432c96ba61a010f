import { Schema } from 'effect'
import { PubKeyHex } from './fieldSchemas.ts'

/**
 * What validators tell stake aggregators after committing a block that slashed: the
 * staking contract and EigenLayer carry out the slash off chain, so the aggregator's view
 * of the stake sources must lose what the chain took (see `applySlash`), or its next
 * total would put the slashed stake back. Every validator sends the same notice; an
 * aggregator believes one once more than a third of the validator nodes sent it, so a
 * lying validator alone cannot take stake from anyone.
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

export const stakingKinds = { 'staking.slashed': SlashNoticeSchema } as const

/** Two notices of one slash are the same notice, whoever sent them. */
export const slashNoticeKey = (notice: SlashNotice): string => `${notice.height}/${notice.pubKey}/${notice.reason}/${notice.fractionPpm}`

/** How many validator nodes out of `validators` must send a notice before it is believed: more than a third. */
export const slashNoticeQuorum = (validators: number): number => Math.floor(validators / 3) + 1
