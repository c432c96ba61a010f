import type { Tx, TxResult } from '../chain/application.ts'
import { StakingTxCode } from './decodeTx.ts'
import { withEntry } from './sortedMaps.ts'
import type { StakingState } from './state.ts'
import type { StakingTx } from './txSchemas.ts'

/**
 * The order of totals. A price or an LST sync states a whole value, so whichever lands
 * last wins, and transactions need not land in the order they were sent: one held back
 * in a mempool (or by a hostile validator) can land after a later one and put an older
 * value back, which stays until the sender next restates it. So a total carries `asOf`,
 * the observation it states in its sender's own increasing order (the L1 block a relayer
 * read, an oracle's round; the stake aggregator's place in what it sent, see
 * aggregatorHistory.ts), and the chain keeps, for each thing a total states, the `asOf`
 * of the one it holds: an older one is refused (code 7), an equal one (the same
 * observation stated again) is taken. When signatures are required a total must carry
 * `asOf`.
 */

/** What a transaction states the whole of, if it does: a later one with the same key replaces it. */
export const totalKey = (tx: Tx): string | undefined => {
  if (tx.type === 'staking.set-price') return `price ${String(tx['asset'])}`
  if (tx.type === 'staking.sync-lst') return `lst ${String(tx['operator'])} ${String(tx['strategy'])}`
  return undefined
}

const asOfOf = (tx: StakingTx): number | undefined => ('asOf' in tx ? tx.asOf : undefined)

/** Why the total `tx` cannot replace the one `state` holds, if it cannot: no `asOf` (when signed), or an older one. */
export const outdatedTotal = (state: StakingState, tx: StakingTx): TxResult | undefined => {
  const key = totalKey(tx)
  if (key === undefined) return undefined
  const asOf = asOfOf(tx)
  if (asOf === undefined) {
    if (state.params.authorities === undefined) return undefined
    return { code: StakingTxCode.outdated, log: `${tx.type}: a signed total needs asOf, the observation it states (found none)` }
  }
  const held = state.totalsAsOf.get(key)
  if (held === undefined || asOf >= held) return undefined
  return { code: StakingTxCode.outdated, log: `${tx.type} (${key}) as of ${asOf} is older than the total the chain holds, as of ${held}` }
}

/** `state` holding the total `tx` states (which passed outdatedTotal and executed). */
export const withTotalAsOf = (state: StakingState, tx: StakingTx): StakingState => {
  const key = totalKey(tx)
  const asOf = asOfOf(tx)
  if (key === undefined || asOf === undefined) return state
  return { ...state, totalsAsOf: withEntry(state.totalsAsOf, key, asOf) }
}
