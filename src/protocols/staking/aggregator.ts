import type { Tx } from '../chain/application.ts'
import { slashAmounts, slashPositions } from './slashStake.ts'
import type { StakingParams } from './params.ts'
import { sortedEntries, sortedKeys, sumAmounts } from './sortedMaps.ts'
import type { LstPosition, StakingState } from './state.ts'
import type { StakingTxInput } from './txSchemas.ts'
import { lstUnits, votingPower } from './units.ts'

/**
 * The `stake-aggregator` role's pure logic. It watches both stake sources off chain —
 * native $C stakes and delegations as the staking contract's events report them, and
 * EigenLayer operators' LST shares as the relayer reads them — plus the oracle's prices,
 * and turns what changed into staking transactions.
 */

export interface OperatorView {
  /** Native $C by staker; the operator's own key holds its self-stake. */
  readonly native: ReadonlyMap<string, bigint>
  /** Restaked shares by strategy. */
  readonly lst: ReadonlyMap<string, LstPosition>
}

export interface StakeView {
  /** By operator (= validator consensus key). An operator in the view is registered on chain. */
  readonly operators: ReadonlyMap<string, OperatorView>
  readonly prices: ReadonlyMap<string, bigint>
}

const noOperator: OperatorView = { native: new Map(), lst: new Map() }

/** What the chain's state says about the stake sources: the view to start from at genesis. */
export const stakeViewOf = (state: StakingState): StakeView => ({
  operators: new Map(
    sortedEntries(state.validators).map(([pubKey, record]) => {
      const native = new Map(record.delegations)
      if (record.selfStake > 0n) native.set(pubKey, record.selfStake)
      return [pubKey, { native, lst: record.lstShares }]
    }),
  ),
  prices: state.prices,
})

/**
 * Each operator's voting power as the view has it: its native stake and its LST shares at
 * the view's prices, in whole `powerReduction`s, as the staking application reckons it
 * (see units.ts), before jailing and the active set's cap.
 */
export const viewPowers = (view: StakeView, params: Pick<StakingParams, 'haircuts' | 'powerReduction'>): Map<string, bigint> =>
  new Map(
    sortedEntries(view.operators).map(([operator, { native, lst }]) => [
      operator,
      votingPower(sumAmounts(native) + lstUnits(lst, view.prices, params.haircuts), params.powerReduction),
    ]),
  )

const sameAmounts = (a: ReadonlyMap<string, bigint> | undefined, b: ReadonlyMap<string, bigint> | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.size === b.size && sortedEntries(a).every(([key, amount]) => b.get(key) === amount))

const samePosition = (a: LstPosition | undefined, b: LstPosition | undefined): boolean =>
  (a?.shares ?? 0n) === (b?.shares ?? 0n) && sameAmounts(a?.delegators, b?.delegators)

const unionKeys = (a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] => sortedKeys(new Map([...a, ...b]))

const tx = (body: StakingTxInput): Tx => body

/**
 * The transactions that take the chain from `previous` to `current`, in a fixed order:
 * prices (by asset), new operators (by key), then per operator (by key) its native
 * changes (by staker: delegate / undelegate the difference) and its LST syncs (by
 * strategy: the new total). An operator that left the view has everything undelegated
 * and synced to 0; its validator stays registered. A price that left the view is kept
 * (an oracle cannot unpublish). Amounts are decimal strings, safe on the wire.
 */
export const diffToTxs = (previous: StakeView, current: StakeView): Tx[] => {
  const txs: Tx[] = []
  for (const [asset, price] of sortedEntries(current.prices)) {
    if (previous.prices.get(asset) !== price) txs.push(tx({ type: 'staking.set-price', asset, price: price.toString() }))
  }
  const baselines = new Map(previous.operators)
  for (const [operator, view] of sortedEntries(current.operators)) {
    if (previous.operators.has(operator)) continue
    const selfStake = view.native.get(operator) ?? 0n
    txs.push(tx({ type: 'staking.create-validator', pubKey: operator, selfStake: selfStake.toString() }))
    baselines.set(operator, { native: selfStake > 0n ? new Map([[operator, selfStake]]) : new Map(), lst: new Map() })
  }
  for (const operator of unionKeys(previous.operators, current.operators)) {
    const before = baselines.get(operator) ?? noOperator
    const after = current.operators.get(operator) ?? noOperator
    for (const staker of unionKeys(before.native, after.native)) {
      const change = (after.native.get(staker) ?? 0n) - (before.native.get(staker) ?? 0n)
      if (change > 0n) txs.push(tx({ type: 'staking.delegate', validator: operator, delegator: staker, amount: change.toString() }))
      if (change < 0n) txs.push(tx({ type: 'staking.undelegate', validator: operator, delegator: staker, amount: (-change).toString() }))
    }
    for (const strategy of unionKeys(before.lst, after.lst)) {
      const position = after.lst.get(strategy)
      if (samePosition(before.lst.get(strategy), position)) continue
      const delegators = position?.delegators
      txs.push(
        tx({
          type: 'staking.sync-lst',
          operator,
          strategy,
          shares: (position?.shares ?? 0n).toString(),
          ...(delegators === undefined ? {} : { delegators: Object.fromEntries(sortedEntries(delegators).map(([who, shares]) => [who, shares.toString()])) }),
        }),
      )
    }
  }
  return txs
}

/**
 * Mirrors a `staking.slashed` event in the view, with the chain's own rounding: the
 * staking contract and EigenLayer carry out the slash, so the next diff neither restores
 * the slashed stake nor undelegates more than the chain still holds.
 */
export const applySlash = (view: StakeView, slash: { readonly pubKey: string; readonly fraction: bigint }): StakeView => {
  const operator = view.operators.get(slash.pubKey)
  if (operator === undefined) return view
  const slashed: OperatorView = { native: slashAmounts(operator.native, slash.fraction).remaining, lst: slashPositions(operator.lst, slash.fraction).remaining }
  return { ...view, operators: new Map(view.operators).set(slash.pubKey, slashed) }
}
