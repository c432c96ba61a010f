import { addClip, subClip } from './int64.ts'
import {
  compareAddresses,
  PRIORITY_WINDOW_SIZE_FACTOR,
  rescalePriorities,
  shiftByAveragePriority,
  ValidatorSetError,
  type Validator,
  type ValidatorSet,
} from './validatorSet.ts'

/**
 * CometBFT's weighted round robin (spec/consensus/proposer-selection.md,
 * `IncrementProposerPriority` in types/validator_set.go): every round each validator
 * gains its power in priority, the richest proposes and pays the total power back.
 */

/** Go's `getValWithMostPriority`: the highest priority, ties to the smaller address. */
const mostPriorityIndex = (validators: readonly Validator[]): number => {
  let best = 0
  validators.forEach((v, i) => {
    const b = validators[best]!
    if (v.priority > b.priority || (v.priority === b.priority && compareAddresses(v.address, b.address) < 0)) best = i
  })
  return best
}

/** One round (Go's private `incrementProposerPriority`), with int64 clipping. */
const oneRound = (validators: readonly Validator[], totalPower: bigint) => {
  const raised = validators.map((v) => ({ ...v, priority: addClip(v.priority, v.power) }))
  const i = mostPriorityIndex(raised)
  const proposer = raised[i]!
  raised[i] = { ...proposer, priority: subClip(proposer.priority, totalPower) }
  return { validators: raised, proposer: proposer.address }
}

/** What `IncrementProposerPriority` does once before its rounds: bound the spread, then centre on zero. */
const rescaleAndCentre = (set: ValidatorSet): readonly Validator[] =>
  shiftByAveragePriority(rescalePriorities(set.validators, PRIORITY_WINDOW_SIZE_FACTOR * set.totalPower))

/** Go's `IncrementProposerPriority(times)`: a new set whose proposer is the one of the last round. */
export const incrementProposerPriority = (set: ValidatorSet, times: number): ValidatorSet => {
  if (set.validators.length === 0) throw new ValidatorSetError('empty validator set')
  if (!Number.isInteger(times) || times <= 0) {
    throw new ValidatorSetError(`cannot increment proposer priority a non-positive number of times (${times})`)
  }
  let validators = rescaleAndCentre(set)
  let proposer = ''
  for (let i = 0; i < times; i++) ({ validators, proposer } = oneRound(validators, set.totalPower))
  return { validators, totalPower: set.totalPower, proposer }
}

/** Go's `GetProposer`: the recorded proposer, or for a set never incremented the highest priority. */
export const proposerOf = (set: ValidatorSet): string => {
  if (set.validators.length === 0) throw new ValidatorSetError('empty validator set')
  return set.proposer ?? set.validators[mostPriorityIndex(set.validators)]!.address
}

/**
 * The proposers of one height's rounds. Round 0 is the set's proposer; round r > 0 is the
 * proposer of the height's set incremented r times (proposer-selection.md). Since one
 * `IncrementProposerPriority(r)` rescales and centres once and then runs r rounds, the
 * proposers of rounds 1..r are the first r rounds after one rescale-and-centre, so the
 * schedule grows one round at a time instead of recomputing r rounds for every round.
 *
 * CometBFT's `enterNewRound` instead increments the current round's set by the number of
 * rounds it advances, rescaling at every step. When a rescale kicks in between rounds
 * (after large power changes) that depends on the rounds a node went through, so two
 * nodes could name different proposers for one round. We keep the definition that is a
 * function of (height, round) alone (see the test "path dependence").
 */
export interface ProposerSchedule {
  readonly totalPower: bigint
  /** Priorities after the last computed round. */
  readonly priorities: readonly Validator[]
  /** `proposers[r]` is the proposer of round r. */
  readonly proposers: readonly string[]
}

export const proposerSchedule = (set: ValidatorSet): ProposerSchedule => {
  let schedule = schedules.get(set)
  if (schedule === undefined) {
    schedule = { totalPower: set.totalPower, priorities: rescaleAndCentre(set), proposers: [proposerOf(set)] }
    schedules.set(set, schedule)
  }
  return schedule
}

/** Memoized per set object (sets are immutable): each height's machine and block checks ask for the same one. */
const schedules = new WeakMap<ValidatorSet, ProposerSchedule>()

/** The schedule extended so that it covers `round`. */
export const scheduleThrough = (schedule: ProposerSchedule, round: number): ProposerSchedule => {
  if (schedule.proposers.length > round) return schedule
  let validators = schedule.priorities
  const proposers = [...schedule.proposers]
  while (proposers.length <= round) {
    const next = oneRound(validators, schedule.totalPower)
    validators = next.validators
    proposers.push(next.proposer)
  }
  return { totalPower: schedule.totalPower, priorities: validators, proposers }
}
