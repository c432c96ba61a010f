import { canonicalHash } from '../../shared/canonicalHash.ts'
import { sortedEntries } from './sortedMaps.ts'
import type { LstPosition, StakingState, ValidatorRecord } from './state.ts'

/**
 * The state as plain CBOR-able data: maps become key-sorted pair lists and bigints
 * decimal strings, since CBOR integers stop at 64 bits and 18-decimal amounts do not.
 */
const amounts = (map: ReadonlyMap<string, bigint>): [string, string][] => sortedEntries(map).map(([key, amount]) => [key, amount.toString()])

const position = ({ shares, delegators }: LstPosition) => ({ shares: shares.toString(), delegators: delegators === undefined ? null : amounts(delegators) })

const validator = (record: ValidatorRecord) => ({
  selfStake: record.selfStake.toString(),
  delegations: amounts(record.delegations),
  lstShares: sortedEntries(record.lstShares).map(([strategy, held]) => [strategy, position(held)]),
  jailedUntil: record.jailedUntil,
  tombstoned: record.tombstoned,
  signing: { ...record.signing, missedBitmap: record.signing.missedBitmap.toString() },
})

export const canonicalStakingState = (state: StakingState) => ({
  chainId: state.chainId,
  params: {
    ...state.params,
    powerReduction: state.params.powerReduction.toString(),
    slashFractionDoubleSign: state.params.slashFractionDoubleSign.toString(),
    slashFractionDowntime: state.params.slashFractionDowntime.toString(),
    minSignedPerWindow: state.params.minSignedPerWindow.toString(),
    haircuts: amounts(state.params.haircuts),
    initialPrices: amounts(state.params.initialPrices),
  },
  validators: sortedEntries(state.validators).map(([pubKey, record]) => [pubKey, validator(record)]),
  prices: amounts(state.prices),
  unbonding: state.unbonding.map((entry) => ({ ...entry, amount: entry.amount.toString() })),
  lastValidatorSet: amounts(state.lastValidatorSet),
  lastBlockTime: state.lastBlockTime,
  recentTxs: sortedEntries(state.recentTxs),
  totalsAsOf: sortedEntries(state.totalsAsOf),
})

export const stakingAppHash = (state: StakingState): string => canonicalHash(canonicalStakingState(state))
