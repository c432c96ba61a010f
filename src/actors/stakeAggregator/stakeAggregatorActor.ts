import { Effect, Schema } from 'effect'
import { chainKinds } from '../../protocols/chain/index.ts'
import { AggregatorScriptSchema, applyScript, diffToTxs, type AggregatorScriptStep, type StakeView } from '../../protocols/staking/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { actorToolkit } from '../common/toolkit.ts'

export const StakeAggregatorParamsSchema = Schema.Struct({
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
 * to the chain as staking transactions, which the staking application turns into
 * voting power.
 */
export const stakeAggregatorActor = (params: StakeAggregatorParams): ActorDef => ({
  role: 'stake-aggregator',
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
          tk.transport.sendAny('validator', 'chain.tx', { ...tx, nonce: `${tk.self.id}/${nonce++}` })
          figures.txsSubmitted++
        }
        scheduleNext()
      },
      figures: () => figures,
    }
  }),
})
