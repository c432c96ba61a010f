import { incrementProposerPriority } from './proposerSelection.ts'
import { EMPTY_VALIDATOR_SET, updateWithChangeSet, type ValidatorSet, type ValidatorUpdate } from './validatorSet.ts'

/**
 * How the validator set moves from height to height, as CometBFT's state keeps it: one
 * priority increment per height, so that round 0 of each height has a fresh proposer.
 */

/** Go's `NewValidatorSet` (genesis): powers must be positive; priorities start equal, then one increment. */
export const newValidatorSet = (validators: readonly ValidatorUpdate[]): ValidatorSet => {
  const set = updateWithChangeSet(EMPTY_VALIDATOR_SET, validators, false)
  return set.validators.length > 0 ? incrementProposerPriority(set, 1) : set
}

/**
 * Go's `state.UpdateState` step for `NextValidators`: apply the application's updates of
 * height H (power 0 removes) and increment once. The result is the set of height H + 2,
 * because the set of H + 1 is already fixed by H's header (`NextValidatorsHash`).
 */
export const nextHeightValidatorSet = (set: ValidatorSet, updates: readonly ValidatorUpdate[]): ValidatorSet =>
  incrementProposerPriority(updateWithChangeSet(set, updates), 1)
