import { Effect, Either, Schema } from 'effect'
import { chainKinds, DEFAULT_CHAIN_ID, signTx, type Tx } from '../../protocols/chain/index.ts'
import {
  AggregatorScriptSchema,
  applyScript,
  diffToTxs,
  noticeBelieved,
  restatedTotals,
  restatementPlace,
  slashNoticeKey,
  STAKING_EVENTS_TOPIC,
  stakingKinds,
  stepPlace,
  toSendAgain,
  totalKey,
  viewPowers,
  viewsBeforeSteps,
  type AggregatorScriptStep,
  type MirroredSlash,
  type SlashNotice,
  type SlashNotices,
} from '../../protocols/staking/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import type { StoreService } from '../../runtime/services.ts'
import { PositiveDuration } from '../../shared/paramSchemas.ts'
import { actorToolkit } from '../common/toolkit.ts'
import { genesisStake } from '../validator/genesis.ts'
import { VALIDATOR_ROLE } from '../validator/params.ts'

export const STAKE_AGGREGATOR_ROLE = 'stake-aggregator'

export const StakeAggregatorParamsSchema = Schema.Struct({
  /** The chain its transactions are signed for: the validators' `chainId`. */
  chainId: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), { default: () => DEFAULT_CHAIN_ID }),
  /**
   * How the off-chain stake sources evolve: EigenLayer share deposits and withdrawals,
   * native $C stakes and unstakes, oracle prices. `operator` names a validator node.
   */
  script: Schema.optionalWith(AggregatorScriptSchema, { default: () => [] }),
  /**
   * How long after it is sent a step's transactions may still be included (their
   * `expiresAt`): within the chain's `maxTxTimeout` (10 min by default), with room for
   * the clocks of the aggregator and the validators to differ.
   */
  txTimeout: Schema.optionalWith(PositiveDuration, { default: () => 300_000_000 }),
  /**
   * How often the transactions of steps not yet expired are sent again: the aggregator
   * does not learn what the chain included, and a change lost on the way must still land.
   */
  resendEvery: Schema.optionalWith(PositiveDuration, { default: () => 5_000_000 }),
  /**
   * How often it asks every validator for the slash notices it keeps (and once at its
   * start): a notice published while the aggregator was down or cut off is heard late,
   * not never.
   */
  noticeCatchUpEvery: Schema.optionalWith(PositiveDuration, { default: () => 30_000_000 }),
})
export type StakeAggregatorParams = typeof StakeAggregatorParamsSchema.Type

const STEP_TIMER = 'aggregator.step'
const RESEND_TIMER = 'aggregator.resend'
const NOTICES_TIMER = 'aggregator.notices'
/** Slash notices kept while too few validators have sent them; the oldest go first. */
const MAX_UNBELIEVED_NOTICES = 1_024

/**
 * The stake aggregator: watches both stake sources (as the EigenLayer relayer and the
 * $C staking contract would report them) and the price oracle, and submits every change
 * to the chain as staking transactions, signed with its key, which the staking
 * application turns into voting power (it takes stake changes from stake aggregators
 * only). It sends them again until they expire (see aggregatorResend.ts), and mirrors
 * the slashes validators tell it of (see slashNotice.ts), restating the totals they cut
 * (see aggregatorHistory.ts).
 */
export const stakeAggregatorActor = (params: StakeAggregatorParams): ActorDef => ({
  role: STAKE_AGGREGATOR_ROLE,
  kinds: { 'chain.tx': chainKinds['chain.tx'], ...stakingKinds },
  topics: [STAKING_EVENTS_TOPIC],
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const pubKeyOf = (name: string): string => {
      const key = tk.keys.publicKeyOf(name)
      return key === undefined ? name : publicKeyHex(key)
    }
    const steps: AggregatorScriptStep[] = params.script.map((step) => ('operator' in step ? { ...step, operator: pubKeyOf(step.operator) } : step))
    // Every validator node is a registered operator from genesis, with its genesis stake:
    // the script moves stake around them, and can take back what genesis gave.
    const validatorNodes = tk.directory.ofRole(VALIDATOR_ROLE)
    const { view: genesisView, params: stakingParams } = genesisStake(tk.directory, tk.keys)
    const progress = readProgress(tk.store) ?? { startedAt: tk.clock.now(), steps: 0, sent: [], slashes: [] }
    let sent = progress.sent
    let slashes = progress.slashes
    let mirroredSlashes = slashes.map(mirrored)
    /** views[i]: the stake sources before step i, slashes mirrored. */
    let views = viewsBeforeSteps(genesisView, steps, mirroredSlashes)
    const figures = { steps: progress.steps, txsSubmitted: 0, txsResent: 0 }
    const save = () => {
      tk.store.put(PROGRESS_KEY, encodeStored({ startedAt: progress.startedAt, steps: figures.steps, sent, slashes }))
      tk.store.sync()
    }
    const signed = new Map<string, readonly Tx[]>()
    /**
     * An entry's changes as signed transactions: a step's, or the totals a mirrored slash
     * restates (see aggregatorHistory.ts). The nonce keeps a repeated change (a price
     * going A → B → A) apart; with the entry's saved expiry, it signs to the same bytes
     * whenever it is sent, which the chain includes at most once. Its totals are as of
     * its place in the history, so that one landing after a later entry's is refused.
     */
    const entryTxs = ({ index, expiresAt, slash }: SentEntry): readonly Tx[] => {
      const id = slash === undefined ? `${index}` : `slash-${slash}`
      let txs = signed.get(id)
      if (txs === undefined) {
        const [changes, asOf] =
          slash === undefined
            ? [diffToTxs(views[index]!, applyScript(views[index]!, steps[index]!)), stepPlace(index, mirroredSlashes)]
            : [restatedTotals(genesisView, steps, mirroredSlashes, slash), restatementPlace(slash, mirroredSlashes)]
        txs = changes.map((tx, i) =>
          signTx(
            params.chainId,
            { ...tx, nonce: `${tk.self.id}/${id}/${i}`, expiresAt, ...(totalKey(tx) === undefined ? {} : { asOf }) },
            publicKeyHex(tk.keys.publicKey),
            tk.keys.sign,
          ),
        )
        signed.set(id, txs)
      }
      return txs
    }
    const send = (tx: Tx) => tk.transport.sendAny(VALIDATOR_ROLE, 'chain.tx', tx)
    /** Saved before anything goes out: from here on, a crash leaves it to be sent again. */
    const sendFirst = (entry: SentEntry) => {
      sent = [...sent, entry]
      save()
      for (const tx of entryTxs(entry)) {
        send(tx)
        figures.txsSubmitted++
      }
      tk.timers.set(RESEND_TIMER, params.resendEvery)
    }
    /** Every entry not yet expired, again (see aggregatorResend.ts); the expired ones are forgotten. */
    const sendAgain = () => {
      const now = tk.clock.now()
      const live = sent.filter((entry) => entry.expiresAt > now)
      if (live.length !== sent.length) {
        sent = live
        save()
      }
      for (const tx of toSendAgain(live.map(entryTxs))) {
        send(tx)
        figures.txsResent++
      }
      if (live.length > 0) tk.timers.set(RESEND_TIMER, params.resendEvery)
    }
    const scheduleNext = () => {
      const next = steps[figures.steps]
      if (next !== undefined) tk.timers.set(STEP_TIMER, Math.max(0, progress.startedAt + next.at - tk.clock.now()))
    }
    // Restarted: what was sent may not have gone out (a step cut short by a crash) or arrived.
    if (sent.length > 0) sendAgain()
    scheduleNext()
    /** Who sent each slash notice not yet believed (see slashNotice.ts), by public key. */
    const noticeSenders = new Map<string, Set<string>>()
    const heard = (notice: SlashNotice, from: string) => {
      const key = slashNoticeKey(notice)
      if (slashes.some((slash) => slash.key === key) || !validatorNodes.includes(from)) return
      const senders = noticeSenders.get(key) ?? new Set()
      noticeSenders.set(key, senders.add(pubKeyOf(from)))
      // A lying validator's notices are never believed: they must not pile up either.
      if (noticeSenders.size > MAX_UNBELIEVED_NOTICES) noticeSenders.delete(noticeSenders.keys().next().value!)
      // Powers as the stake stands now, after the steps sent and the slashes mirrored.
      if (!noticeBelieved(senders, viewPowers(views[figures.steps]!, stakingParams))) return
      noticeSenders.delete(key)
      // Mirrored before the next step: the steps already sent stay the transactions they were.
      slashes = [...slashes, { key, beforeStep: figures.steps, pubKey: notice.pubKey, fractionPpm: notice.fractionPpm }]
      mirroredSlashes = slashes.map(mirrored)
      views = viewsBeforeSteps(genesisView, steps, mirroredSlashes)
      sendFirst({ index: figures.steps, slash: slashes.length - 1, expiresAt: tk.clock.now() + params.txTimeout })
    }
    const askForNotices = () => {
      for (const validator of validatorNodes) {
        tk.transport.request(validator, 'staking.get-slash-notices', {}, params.noticeCatchUpEvery, (outcome) => {
          if (outcome.ok) for (const notice of (outcome.reply.body as SlashNotices).notices) heard(notice, validator)
        })
      }
      tk.timers.set(NOTICES_TIMER, params.noticeCatchUpEvery)
    }
    askForNotices()
    return {
      onMessage: (envelope) => {
        if (envelope.kind === 'staking.slashed') heard(envelope.body as SlashNotice, envelope.from)
      },
      onTimer: (name) => {
        if (name === RESEND_TIMER) return sendAgain()
        if (name === NOTICES_TIMER) return askForNotices()
        const step = { index: figures.steps, expiresAt: tk.clock.now() + params.txTimeout }
        figures.steps++
        sendFirst(step)
        scheduleNext()
      },
      figures: () => ({ ...figures, slashesMirrored: slashes.length }),
    }
  }),
})

/**
 * How far the script has gone: script times count from the aggregator's first start (its
 * clock reads 0 then in a simulation; the wall clock in process mode), and a restarted
 * aggregator sends the steps not yet expired again and goes on after the last one,
 * rather than submitting every change again.
 */
const PROGRESS_KEY = 'stake-aggregator/progress'
/**
 * A step sent, or (`slash`) the restatement of the slash of that number, mirrored before
 * step `index`, with the expiry its transactions carry: kept, and sent again, until then.
 */
const SentEntrySchema = Schema.Struct({ index: Schema.NonNegativeInt, expiresAt: Schema.NonNegativeInt, slash: Schema.optionalWith(Schema.NonNegativeInt, { exact: true }) })
type SentEntry = typeof SentEntrySchema.Type
/** A slash mirrored in the view before step `beforeStep`, under its notice's key. */
const SlashSchema = Schema.Struct({ key: Schema.String, beforeStep: Schema.NonNegativeInt, pubKey: Schema.String, fractionPpm: Schema.String.pipe(Schema.pattern(/^\d+$/)) })
type Slash = typeof SlashSchema.Type
const mirrored = (slash: Slash): MirroredSlash => ({ beforeStep: slash.beforeStep, pubKey: slash.pubKey, fraction: BigInt(slash.fractionPpm) })
const ProgressSchema = Schema.Struct({
  startedAt: Schema.Number,
  steps: Schema.NonNegativeInt,
  sent: Schema.optionalWith(Schema.Array(SentEntrySchema), { default: () => [] }),
  slashes: Schema.optionalWith(Schema.Array(SlashSchema), { default: () => [] }),
})

const readProgress = (store: StoreService): typeof ProgressSchema.Type | undefined => {
  const stored = store.get(PROGRESS_KEY)
  if (stored === undefined) return undefined
  const decoded = Either.flatMap(decodeStored(stored), (value) => Schema.decodeUnknownEither(ProgressSchema)(value))
  // Guessing would submit stake changes twice or never: refuse to start instead.
  if (Either.isLeft(decoded)) throw new Error(`stake aggregator progress unreadable (store key ${PROGRESS_KEY}): remove the node's stores to run the script from its start`)
  return decoded.right
}
