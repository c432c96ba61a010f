import { ppmOf } from './ratios.ts'
import { slashAmounts, slashPositions } from './slashStake.ts'
import type { StakingState, UnbondingEntry } from './state.ts'
import { withValidator } from './state.ts'
import { stakeUnits } from './units.ts'

export type SlashReason = 'double-sign' | 'downtime'

/** A fact the application reports in `FinalizeResult.events`. */
export interface StakingEvent {
  readonly event: string
  readonly data: unknown
}

export interface Slash {
  readonly pubKey: string
  readonly reason: SlashReason
  /** Parts per million taken from every holding. */
  readonly fraction: bigint
  /** Height of the fault: unbonding that started at or after it is still slashable (x/staking `Slash`). */
  readonly infractionHeight: number
  /** Height of the block that carries out the slash. */
  readonly height: number
}

/**
 * Takes `fraction` of a validator's stake: self-stake, every delegation, every LST
 * position (see slashStake.ts for how LST slashing is modelled) and the unbonding
 * entries created at or after the infraction. Reports `staking.slashed` with `amount` in
 * $C-Stake units (bonded units lost + unbonding $C burned), and the native and per-strategy
 * share amounts taken. An unknown validator is left alone.
 */
export const slashValidator = (state: StakingState, slash: Slash): { state: StakingState; events: StakingEvent[] } => {
  const record = state.validators.get(slash.pubKey)
  if (record === undefined) return { state, events: [] }
  const { haircuts } = state.params
  const self = ppmOf(record.selfStake, slash.fraction)
  const delegations = slashAmounts(record.delegations, slash.fraction)
  const lst = slashPositions(record.lstShares, slash.fraction)
  const slashed = { ...record, selfStake: record.selfStake - self, delegations: delegations.remaining, lstShares: lst.remaining }
  const unbonding = slashUnbonding(state.unbonding, slash)
  const amount = stakeUnits(record, state.prices, haircuts) - stakeUnits(slashed, state.prices, haircuts) + unbonding.burned
  const event: StakingEvent = {
    event: 'staking.slashed',
    data: {
      pubKey: slash.pubKey,
      reason: slash.reason,
      amount,
      height: slash.height,
      fraction: slash.fraction,
      native: self + delegations.burned + unbonding.burned,
      lstShares: Object.fromEntries(lst.burned),
    },
  }
  return { state: { ...withValidator(state, slash.pubKey, slashed), unbonding: unbonding.entries }, events: [event] }
}

const slashUnbonding = (entries: readonly UnbondingEntry[], slash: Slash): { entries: UnbondingEntry[]; burned: bigint } => {
  let burned = 0n
  const kept: UnbondingEntry[] = []
  for (const entry of entries) {
    const slashable = entry.validator === slash.pubKey && entry.creationHeight >= slash.infractionHeight
    const cut = slashable ? ppmOf(entry.amount, slash.fraction) : 0n
    burned += cut
    if (entry.amount > cut) kept.push(cut === 0n ? entry : { ...entry, amount: entry.amount - cut })
  }
  return { entries: kept, burned }
}
