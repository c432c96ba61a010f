import { Effect, Schema } from 'effect'
import { chainKinds, DEFAULT_CHAIN_ID, signTx } from '../../protocols/chain/index.ts'
import { AggregatorScriptSchema, applyScript, diffToTxs, type AggregatorScriptStep, type StakeView } from '../../protocols/staking/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
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
      return key === undefined ? name : Buffer.from(key).toString('hex')
    }
    // Every validator node is a registered operator from genesis: the script moves stake around them.
    let view: StakeView = {
      operators: new Map(tk.directory.ofRole('validator').map((name) => [pubKeyOf(name), { native: new Map(), lst: new Map() }])),
      prices: new Map(),
    }
    const steps: AggregatorScriptStep[] = params.script.map((step) => ('operator' in step ? { ...step, operator: pubKeyOf(step.operator) } : step))
    const figures = { steps: 0, txsSubmitted: 0 }
    let nonce = 0
    const scheduleNext = () => {
      const next = steps[figures.steps]
      if (next !== undefined) tk.timers.set(STEP_TIMER, Math.max(0, next.at - tk.clock.now()))
    }
    scheduleNext()
    return {
      onMessage: () => {},
      onTimer: () => {
        const step = steps[figures.steps++]!
        const before = view
        view = applyScript(view, step)
        // A nonce keeps a repeated change (a price going A → B → A) from looking like a duplicate tx.
        for (const tx of diffToTxs(before, view)) {
          const signed = signTx(params.chainId, { ...tx, nonce: `${tk.self.id}/${nonce++}` }, publicKeyHex(tk.keys.publicKey), tk.keys.sign)
          tk.transport.sendAny('validator', 'chain.tx', signed)
          figures.txsSubmitted++
        }
        scheduleNext()
      },
      figures: () => figures,
    }
  }),
})
