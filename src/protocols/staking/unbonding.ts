import type { StakingEvent } from './slashValidator.ts'
import type { StakingState } from './state.ts'

/**
 * Releases every unbonding entry whose completion time has come (completionTime ≤ block
 * time, as x/staking `CompleteUnbonding`); the queue is in completion order, so that is a
 * prefix. Balances outside staking are not modelled: release is the `staking.unbonded` event.
 */
export const matureUnbondings = (state: StakingState, height: number, time: number): { state: StakingState; events: StakingEvent[] } => {
  const due = state.unbonding.findIndex((entry) => entry.completionTime > time)
  const matured = due === -1 ? state.unbonding : state.unbonding.slice(0, due)
  if (matured.length === 0) return { state, events: [] }
  return {
    state: { ...state, unbonding: state.unbonding.slice(matured.length) },
    events: matured.map(({ validator, delegator, amount }) => ({ event: 'staking.unbonded', data: { validator, delegator, amount, height } })),
  }
}
