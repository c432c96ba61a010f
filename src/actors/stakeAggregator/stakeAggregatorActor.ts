import { Effect, Either, Schema } from 'effect'
import { chainKinds, DEFAULT_CHAIN_ID, signTx } from '../../protocols/chain/index.ts'
import { AggregatorScriptSchema, applyScript, diffToTxs, type AggregatorScriptStep, type StakeView } from '../../protocols/staking/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import type { StoreService } from '../../runtime/services.ts'
import { PositiveDuration } from '../../shared/paramSchemas.ts'
import { actorToolkit } from '../common/toolkit.ts'

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
})
export type StakeAggregatorParams = typeof StakeAggregatorParamsSchema.Type

const STEP_TIMER = 'aggregator.step'

/**
 * The stake aggregator: watches both stake sources (as the EigenLayer relayer and the
 * $C staking contract would report them) and the price oracle, and submits every change
 * to the chain as staking transactions, signed with its key, which the staking
 * application turns into voting power (it takes stake changes from stake aggregators only).
 */
export const stakeAggregatorActor = (params: StakeAggregatorParams): ActorDef => ({
  role: STAKE_AGGREGATOR_ROLE,
  kinds: { 'chain.tx': chainKinds['chain.tx'] },
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const pubKeyOf = (name: string): string => {
      const key = tk.keys.publicKeyOf(name)
      return key === undefined ? name : publicKeyHex(key)
    }
    const steps: AggregatorScriptStep[] = params.script.map((step) => ('operator' in step ? { ...step, operator: pubKeyOf(step.operator) } : step))
    const progress = readProgress(tk.store) ?? { startedAt: tk.clock.now(), steps: 0 }
    // Every validator node is a registered operator from genesis: the script moves stake
    // around them. After a restart, the steps already submitted are replayed into the view only.
    const genesisView: StakeView = {
      operators: new Map(tk.directory.ofRole('validator').map((name) => [pubKeyOf(name), { native: new Map(), lst: new Map() }])),
      prices: new Map(),
    }
    let view = steps.slice(0, progress.steps).reduce(applyScript, genesisView)
    const figures = { steps: progress.steps, txsSubmitted: 0 }
    const saveProgress = (sending?: Sending) => {
      tk.store.put(PROGRESS_KEY, encodeStored({ startedAt: progress.startedAt, steps: figures.steps, ...(sending === undefined ? {} : { sending }) }))
      tk.store.sync()
    }
    /**
     * Sends step `index`'s changes to the view as signed transactions. The nonce keeps a
     * repeated change (a price going A → B → A) apart; with the expiry, saved before
     * anything is sent, a step sent again after a crash is the same transactions, which
     * the chain includes at most once (see protocols/staking/replayProtection.ts).
     */
    const submitStep = ({ index, expiresAt }: Sending) => {
      const before = view
      view = applyScript(view, steps[index]!)
      diffToTxs(before, view).forEach((tx, i) => {
        const signed = signTx(params.chainId, { ...tx, nonce: `${tk.self.id}/${index}/${i}`, expiresAt }, publicKeyHex(tk.keys.publicKey), tk.keys.sign)
        tk.transport.sendAny('validator', 'chain.tx', signed)
        figures.txsSubmitted++
      })
      figures.steps = index + 1
      saveProgress()
    }
    const scheduleNext = () => {
      const next = steps[figures.steps]
      if (next !== undefined) tk.timers.set(STEP_TIMER, Math.max(0, progress.startedAt + next.at - tk.clock.now()))
    }
    // A crash between saving a step as being sent and saving it as sent: send it again.
    if (progress.sending !== undefined) submitStep(progress.sending)
    scheduleNext()
    return {
      onMessage: () => {},
      onTimer: () => {
        const sending = { index: figures.steps, expiresAt: tk.clock.now() + params.txTimeout }
        saveProgress(sending)
        submitStep(sending)
        scheduleNext()
      },
      figures: () => figures,
    }
  }),
})

/**
 * How far the script has gone: script times count from the aggregator's first start (its
 * clock reads 0 then in a simulation; the wall clock in process mode), and a restarted
 * aggregator goes on after the last step it submitted rather than submitting every
 * change again.
 */
const PROGRESS_KEY = 'stake-aggregator/progress'
const SendingSchema = Schema.Struct({ index: Schema.NonNegativeInt, expiresAt: Schema.NonNegativeInt })
type Sending = typeof SendingSchema.Type
/** `sending`: the step being sent (saved before its first transaction goes out), with its transactions' expiry. */
const ProgressSchema = Schema.Struct({ startedAt: Schema.Number, steps: Schema.NonNegativeInt, sending: Schema.optionalWith(SendingSchema, { exact: true }) })

const readProgress = (store: StoreService): typeof ProgressSchema.Type | undefined => {
  const stored = store.get(PROGRESS_KEY)
  if (stored === undefined) return undefined
  const decoded = Either.flatMap(decodeStored(stored), (value) => Schema.decodeUnknownEither(ProgressSchema)(value))
  // Guessing would submit stake changes twice or never: refuse to start instead.
  if (Either.isLeft(decoded)) throw new Error(`stake aggregator progress unreadable (store key ${PROGRESS_KEY}): remove the node's stores to run the script from its start`)
  return decoded.right
}
