import { ppmOf } from './ratios.ts'
import { sortedEntries, sumAmounts } from './sortedMaps.ts'
import type { LstPosition } from './state.ts'

/**
 * How a slash takes `fraction` (ppm) of stake. Every holding loses its own share rounded
 * down (Cosmos truncates slash amounts), so a delegator never pays for another's rounding.
 * The stake aggregator applies the very same functions to its off-chain view, which keeps
 * its view and the chain's state equal after a slash.
 */

export interface SlashedAmounts {
  readonly remaining: ReadonlyMap<string, bigint>
  readonly burned: bigint
}

/** Each amount loses `fraction` of itself; amounts that reach zero are dropped. */
export const slashAmounts = (amounts: ReadonlyMap<string, bigint>, fraction: bigint): SlashedAmounts => {
  const remaining = new Map<string, bigint>()
  let burned = 0n
  for (const [key, amount] of sortedEntries(amounts)) {
    const cut = ppmOf(amount, fraction)
    burned += cut
    if (amount > cut) remaining.set(key, amount - cut)
  }
  return { remaining, burned }
}

export interface SlashedPositions {
  readonly remaining: ReadonlyMap<string, LstPosition>
  /** Shares taken, by strategy (strategies that lost nothing are absent). */
  readonly burned: ReadonlyMap<string, bigint>
}

/**
 * LST shares live on EigenLayer, where the chain cannot burn them. The model: the chain
 * cuts the shares it counts right away (so power drops in the same block) and reports the
 * cut per strategy in `staking.slashed`, standing for the slashing request the AVS sends
 * to EigenLayer. The relayer's next `sync-lst` replaces the count with what EigenLayer
 * then holds, so a slash EigenLayer never carried out would come back with it.
 * With a per-restaker breakdown each restaker loses its own share and the total is their
 * sum, keeping the breakdown consistent.
 */
export const slashPositions = (positions: ReadonlyMap<string, LstPosition>, fraction: bigint): SlashedPositions => {
  const remaining = new Map<string, LstPosition>()
  const burned = new Map<string, bigint>()
  for (const [strategy, position] of sortedEntries(positions)) {
    const next = slashPosition(position, fraction)
    const cut = position.shares - next.shares
    if (cut > 0n) burned.set(strategy, cut)
    if (next.shares > 0n) remaining.set(strategy, next)
  }
  return { remaining, burned }
}

const slashPosition = (position: LstPosition, fraction: bigint): LstPosition => {
  if (position.delegators === undefined) return { shares: position.shares - ppmOf(position.shares, fraction) }
  const { remaining } = slashAmounts(position.delegators, fraction)
  return { shares: sumAmounts(remaining), delegators: remaining }
}
