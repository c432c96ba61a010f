import { addClip, floorDiv, MAX_INT64, subClip, wrap } from './int64.ts'

/**
 * The validator set of one height, as CometBFT's `types/validator_set.go` keeps it.
 * Voting powers and proposer priorities are bigints carrying Go int64 semantics, so that
 * proposer selection matches CometBFT exactly.
 */

/** `MaxTotalVotingPower`: small enough that priorities never clip and `diff + diffMax − 1` never overflows. */
export const MAX_TOTAL_VOTING_POWER = MAX_INT64 / 8n

/** `PriorityWindowSizeFactor`: priorities are kept within 2 × total power of each other. */
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n

export interface Validator {
  /**
   * Lowercase hex of the first 20 bytes of sha256(pubkey), computed by the host. Lowercase
   * hex compares like the bytes it encodes, which is the order CometBFT breaks ties by.
   */
  readonly address: string
  readonly power: bigint
  readonly priority: bigint
}

export interface ValidatorSet {
  /**
   * By power, descending, then address, ascending (`ValidatorsByVotingPower`). A
   * validator's position here is its `validatorIndex` in votes and commits.
   */
  readonly validators: readonly Validator[]
  readonly totalPower: bigint
  /**
   * The validator chosen by the last priority increment (Go's `vals.Proposer`): the
   * proposer of round 0 at the height this set is for. Undefined until the first increment.
   */
  readonly proposer: string | undefined
}

/** A change from the application: power 0 removes the validator (ABCI `ValidatorUpdate`). */
export interface ValidatorUpdate {
  readonly address: string
  readonly power: bigint
}

/** Invalid validators or changes: the input is refused and nothing is changed. */
export class ValidatorSetError extends Error {
  override readonly name = 'ValidatorSetError'
}

export const EMPTY_VALIDATOR_SET: ValidatorSet = { validators: [], totalPower: 0n, proposer: undefined }

export const compareAddresses = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const byPower = (a: Validator, b: Validator): number =>
  a.power === b.power ? compareAddresses(a.address, b.address) : a.power > b.power ? -1 : 1

const byAddress = (a: { readonly address: string }, b: { readonly address: string }): number =>
  compareAddresses(a.address, b.address)

/**
 * A set from validators whose priorities are already known (restored from storage, or
 * built by a test), like Go's `ValidatorSetFromExistingValidators` minus its proposer guess.
 */
export const validatorSetOf = (validators: readonly Validator[], proposer?: string): ValidatorSet => {
  const sorted = [...validators].sort(byAddress)
  sorted.forEach((v, i) => {
    if (v.address === '') throw new ValidatorSetError('validator without an address')
    if (v.power < 0n) throw new ValidatorSetError(`validator ${v.address} has negative voting power ${v.power}`)
    if (i > 0 && sorted[i - 1]!.address === v.address) throw new ValidatorSetError(`duplicate validator ${v.address}`)
  })
  if (proposer !== undefined && !sorted.some((v) => v.address === proposer)) {
    throw new ValidatorSetError(`proposer ${proposer} is not in the validator set`)
  }
  return { validators: sorted.sort(byPower), totalPower: totalPowerOf(sorted), proposer }
}

/** Go's `updateTotalVotingPower`: the sum, refused above `MaxTotalVotingPower`. */
const totalPowerOf = (validators: readonly Validator[]): bigint => {
  let sum = 0n
  for (const v of validators) {
    sum = addClip(sum, v.power)
    if (sum > MAX_TOTAL_VOTING_POWER) {
      throw new ValidatorSetError(`total voting power ${sum} exceeds maximum ${MAX_TOTAL_VOTING_POWER}`)
    }
  }
  return sum
}

export const validatorIndex = (set: ValidatorSet, address: string): number =>
  set.validators.findIndex((v) => v.address === address)

export const hasValidator = (set: ValidatorSet, address: string): boolean => validatorIndex(set, address) >= 0

/**
 * Go's `RescalePriorities`: when the spread of priorities exceeds `diffMax`, divide them
 * all (truncating, like Go) by ceil(spread / diffMax), so one validator that sat out many
 * rounds cannot dominate the next ones.
 */
export const rescalePriorities = (validators: readonly Validator[], diffMax: bigint): readonly Validator[] => {
  if (diffMax <= 0n || validators.length === 0) return validators
  let max = validators[0]!.priority
  let min = max
  for (const v of validators) {
    if (v.priority > max) max = v.priority
    if (v.priority < min) min = v.priority
  }
  // Go computes these in plain int64; the power bound keeps them from overflowing.
  let diff = wrap(max - min)
  if (diff < 0n) diff = -diff
  if (diff <= diffMax) return validators
  const ratio = wrap(diff + diffMax - 1n) / diffMax
  return validators.map((v) => ({ ...v, priority: v.priority / ratio }))
}

/** Go's `computeAvgProposerPriority`: the mean over a big.Int sum, rounded toward −∞. */
export const averagePriority = (validators: readonly Validator[]): bigint => {
  let sum = 0n
  for (const v of validators) sum += v.priority
  return floorDiv(sum, BigInt(validators.length))
}

/** Go's `shiftByAvgProposerPriority`: centre the priorities around zero. */
export const shiftByAveragePriority = (validators: readonly Validator[]): readonly Validator[] => {
  if (validators.length === 0) return validators
  const avg = averagePriority(validators)
  return validators.map((v) => ({ ...v, priority: subClip(v.priority, avg) }))
}

/**
 * Go's `UpdateWithChangeSet` (and, with `allowDeletes` false, the core of
 * `NewValidatorSet`): power 0 removes, a known address changes power and keeps its
 * priority, a new address enters at −1.125 × the total power after the updates (so
 * leaving and re-joining cannot reset a low priority); then priorities are rescaled and
 * centred. The proposer is left as it was: the next increment chooses a new one.
 */
export const updateWithChangeSet = (
  set: ValidatorSet,
  changes: readonly ValidatorUpdate[],
  allowDeletes = true,
): ValidatorSet => {
  if (changes.length === 0) return set
  const { updates, removals } = splitChanges(changes)
  if (!allowDeletes && removals.length > 0) {
    throw new ValidatorSetError(`cannot process validators with voting power 0: ${removals.map((r) => r.address).join(', ')}`)
  }
  const known = new Map(set.validators.map((v) => [v.address, v]))
  if (updates.every((u) => known.has(u.address)) && set.validators.length === removals.length) {
    throw new ValidatorSetError('applying the validator changes would result in an empty set')
  }
  let removedPower = 0n
  for (const r of removals) {
    const v = known.get(r.address)
    if (v === undefined) throw new ValidatorSetError(`failed to find validator ${r.address} to remove`)
    removedPower += v.power
  }
  const totalAfterUpdatesBeforeRemovals = totalAfterUpdates(set, known, updates, removedPower)

  const merged = new Map(known)
  for (const u of updates) {
    const existing = known.get(u.address)
    const priority =
      existing?.priority ?? -(totalAfterUpdatesBeforeRemovals + (totalAfterUpdatesBeforeRemovals >> 3n))
    merged.set(u.address, { address: u.address, power: u.power, priority })
  }
  for (const r of removals) merged.delete(r.address)

  const validators = [...merged.values()].sort(byAddress)
  const totalPower = totalPowerOf(validators)
  const centred = shiftByAveragePriority(rescalePriorities(validators, PRIORITY_WINDOW_SIZE_FACTOR * totalPower))
  return { validators: [...centred].sort(byPower), totalPower, proposer: set.proposer }
}

/** Go's `processChanges`: sorted by address, no duplicates, powers within bounds. */
const splitChanges = (changes: readonly ValidatorUpdate[]) => {
  const sorted = [...changes].sort(byAddress)
  const updates: ValidatorUpdate[] = []
  const removals: ValidatorUpdate[] = []
  sorted.forEach((c, i) => {
    if (c.address === '') throw new ValidatorSetError('validator update without an address')
    if (i > 0 && sorted[i - 1]!.address === c.address) throw new ValidatorSetError(`duplicate entry ${c.address} in changes`)
    if (c.power < 0n) throw new ValidatorSetError(`voting power can't be negative: ${c.power}`)
    if (c.power > MAX_TOTAL_VOTING_POWER) {
      throw new ValidatorSetError(
        `to prevent clipping/overflow, voting power can't be higher than ${MAX_TOTAL_VOTING_POWER}, got ${c.power}`,
      )
    }
    ;(c.power === 0n ? removals : updates).push(c)
  })
  return { updates, removals }
}

/**
 * Go's `verifyUpdates`: applies the power changes smallest first, so a set that shrinks
 * one validator while growing another never looks (falsely) over the limit; returns the
 * total with the updates applied and the removals not yet.
 */
const totalAfterUpdates = (
  set: ValidatorSet,
  known: ReadonlyMap<string, Validator>,
  updates: readonly ValidatorUpdate[],
  removedPower: bigint,
): bigint => {
  const deltas = updates.map((u) => u.power - (known.get(u.address)?.power ?? 0n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  let total = set.totalPower - removedPower
  for (const delta of deltas) {
    total += delta
    if (total > MAX_TOTAL_VOTING_POWER) {
      throw new ValidatorSetError(`total voting power of resulting valset exceeds max ${MAX_TOTAL_VOTING_POWER}`)
    }
  }
  return total + removedPower
}
