import { medianTime } from '../tendermint/bftTime.ts'
import type { ValidatorSet } from '../tendermint/validatorSet.ts'
import type { Commit } from './commit.ts'

/**
 * BFT time (CometBFT v0.38 `MedianTime`): a block's time is the median of its
 * LastCommit's timestamps weighted by the previous height's powers; every precommit in
 * the commit counts, nil ones too. Height 1 has no LastCommit and takes the genesis time.
 * Undefined when no signer of the commit is in `lastValidators`.
 */
export const expectedBlockTime = (
  lastCommit: Commit | null,
  lastValidators: ValidatorSet | null,
  genesisTime: number,
): number | undefined => {
  if (lastCommit === null) return genesisTime
  if (lastValidators === null) return undefined
  const known = blockTimes.get(lastCommit)
  if (known?.validators === lastValidators) return known.time
  const powers = powersOf(lastValidators)
  const votes = lastCommit.signatures.flatMap((vote) => {
    const power = powers.get(vote.validatorAddress)
    return power === undefined ? [] : [{ timestamp: vote.timestamp, power }]
  })
  const time = medianTime(votes)
  blockTimes.set(lastCommit, { validators: lastValidators, time })
  return time
}

/**
 * Memoized per commit and set object (both immutable): a block's time is worked out when
 * it is judged and again when it is applied, and in simulation every validator does both
 * with the same decoded commit.
 */
const blockTimes = new WeakMap<Commit, { readonly validators: ValidatorSet; readonly time: number | undefined }>()

/** Memoized per set object (sets are immutable): every block of a height is timed against the same set. */
const powerMaps = new WeakMap<ValidatorSet, ReadonlyMap<string, bigint>>()

const powersOf = (set: ValidatorSet): ReadonlyMap<string, bigint> => {
  let powers = powerMaps.get(set)
  if (powers === undefined) powerMaps.set(set, (powers = new Map(set.validators.map((v) => [v.address, v.power]))))
  return powers
}
