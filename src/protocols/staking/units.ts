import { NATIVE_ASSET, PPM } from './ratios.ts'
import { sortedEntries, sumAmounts } from './sortedMaps.ts'
import type { LstPosition, ValidatorRecord } from './state.ts'

/**
 * Dual staking's unified unit (reference §4, "native" model):
 *
 *   U_i  = C_i + Σ_s shares_{i,s} · price_s / price_C · (1 − haircut_s)
 *   VP_i = floor(U_i / powerReduction)
 *
 * Prices are per whole token and amounts in base units; $C and the LSTs share 18
 * decimals, so the price ratio applies to base units as it is.
 *
 * Rounding: the LST part is one exact fraction over the common denominator
 * price_C · 10⁶ (haircuts are ppm), rounded down once — not per strategy — so
 * U_i = C_i + floor(Σ_s shares_s · price_s · (10⁶ − haircut_s) / (price_C · 10⁶)).
 * A strategy without an oracle price counts 0, and so does all LST stake while $C has
 * no price: stake the chain cannot value does not vote.
 */
export const lstUnits = (
  positions: ReadonlyMap<string, LstPosition>,
  prices: ReadonlyMap<string, bigint>,
  haircuts: ReadonlyMap<string, bigint>,
): bigint => {
  const nativePrice = prices.get(NATIVE_ASSET) ?? 0n
  if (nativePrice <= 0n) return 0n
  let numerator = 0n
  for (const [strategy, position] of sortedEntries(positions)) {
    const price = prices.get(strategy) ?? 0n
    numerator += position.shares * price * (PPM - (haircuts.get(strategy) ?? 0n))
  }
  return numerator / (nativePrice * PPM)
}

/** Native $C bonded to the validator: its self-stake and every delegation. */
export const nativeStake = (record: ValidatorRecord): bigint => record.selfStake + sumAmounts(record.delegations)

export const stakeUnits = (record: ValidatorRecord, prices: ReadonlyMap<string, bigint>, haircuts: ReadonlyMap<string, bigint>): bigint =>
  nativeStake(record) + lstUnits(record.lstShares, prices, haircuts)

/** Consensus voting power: whole multiples of `powerReduction` (x/staking `TokensToConsensusPower`). */
export const votingPower = (units: bigint, powerReduction: bigint): bigint => units / powerReduction
