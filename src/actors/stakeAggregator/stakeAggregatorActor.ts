import { Effect, Either, Schema } from 'effect'
import { chainKinds, DEFAULT_CHAIN_ID, signTx } from '../../protocols/chain/index.ts'
import { AggregatorScriptSchema, applyScript, diffToTxs, type AggregatorScriptStep, type StakeView } from '../../protocols/staking/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import type { StoreService } from '../../runtime/services.ts'
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
    const scheduleNext = () => {
      const next = steps[figures.steps]
      if (next !== undefined) tk.timers.set(STEP_TIMER, Math.max(0, progress.startedAt + next.at - tk.clock.now()))
    }
    scheduleNext()
    return {
      onMessage: () => {},
      onTimer: () => {
        const index = figures.steps++
        const before = view
        view = applyScript(view, steps[index]!)
        // The nonce keeps a repeated change (a price going A → B → A) from looking like a
        // duplicate, and makes a step sent again after a crash the same transactions, which
        // mempools drop as repeats.
        diffToTxs(before, view).forEach((tx, i) => {
          const signed = signTx(params.chainId, { ...tx, nonce: `${tk.self.id}/${index}/${i}` }, publicKeyHex(tk.keys.publicKey), tk.keys.sign)
          tk.transport.sendAny('validator', 'chain.tx', signed)
          figures.txsSubmitted++
        })
        tk.store.put(PROGRESS_KEY, encodeStored({ startedAt: progress.startedAt, steps: figures.steps }))
        tk.store.sync()
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
const ProgressSchema = Schema.Struct({ startedAt: Schema.Number, steps: Schema.NonNegativeInt })

const readProgress = (store: StoreService): typeof ProgressSchema.Type | undefined => {
  const stored = store.get(PROGRESS_KEY)
  if (stored === undefined) return undefined
  const decoded = Either.flatMap(decodeStored(stored), (value) => Schema.decodeUnknownEither(ProgressSchema)(value))
  // Guessing would submit stake changes twice or never: refuse to start instead.
  if (Either.isLeft(decoded)) throw new Error(`stake aggregator progress unreadable (store key ${PROGRESS_KEY}): remove the node's stores to run the script from its start`)
  return decoded.right
}
