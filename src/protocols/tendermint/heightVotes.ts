import type { SignedVote, VoteType } from './messages.ts'
import { addVote, emptyVoteSet, type VoteSet } from './voteSet.ts'

/**
 * All vote sets of one height (CometBFT's `consensus/types/height_vote_set.go`). Rounds up
 * to the current one + 1 are always open; beyond that each validator may open at most
 * two rounds, which lets a lagging node see the rounds the others are in (round skip,
 * L55) while a faulty validator cannot make it keep sets for unbounded rounds.
 */
export interface RoundVotes {
  readonly round: number
  readonly prevote: VoteSet
  readonly precommit: VoteSet
}

export interface HeightVotes {
  readonly height: number
  readonly totalPower: bigint
  /** The rounds with at least one vote, ascending: a short list, copied on every vote. */
  readonly rounds: readonly RoundVotes[]
  /** Rounds beyond current + 1 that each validator opened (Go's `peerCatchupRounds`). */
  readonly catchUpRounds: ReadonlyMap<string, readonly number[]>
}

export const MAX_CATCH_UP_ROUNDS_PER_VALIDATOR = 2

export const emptyHeightVotes = (height: number, totalPower: bigint): HeightVotes => ({
  height,
  totalPower,
  rounds: [],
  catchUpRounds: new Map(),
})

/** The set of (round, type); empty when no vote for that round arrived. */
export const voteSetAt = (votes: HeightVotes, round: number, type: VoteType): VoteSet => {
  for (const r of votes.rounds) if (r.round === round) return r[type]
  return emptyVoteSet(votes.height, round, type, votes.totalPower)
}

export type AddHeightVoteResult =
  | { readonly outcome: 'added'; readonly votes: HeightVotes }
  | { readonly outcome: 'duplicate'; readonly votes: HeightVotes }
  | { readonly outcome: 'unwanted-round'; readonly votes: HeightVotes }
  | { readonly outcome: 'conflict'; readonly votes: HeightVotes; readonly existing: SignedVote }

/** Counts a vote of this height from a validator with `power`, while the node is in `currentRound`. */
export const addHeightVote = (
  votes: HeightVotes,
  vote: SignedVote,
  power: bigint,
  currentRound: number,
): AddHeightVoteResult => {
  let catchUpRounds = votes.catchUpRounds
  // Where the vote's round is in the ascending list, or would go.
  const at = votes.rounds.findIndex((r) => r.round >= vote.round)
  const known = at >= 0 && votes.rounds[at]!.round === vote.round ? votes.rounds[at] : undefined
  if (known === undefined && vote.round > currentRound + 1) {
    const opened = catchUpRounds.get(vote.validatorAddress) ?? []
    if (opened.length >= MAX_CATCH_UP_ROUNDS_PER_VALIDATOR) return { outcome: 'unwanted-round', votes }
    catchUpRounds = new Map(catchUpRounds).set(vote.validatorAddress, [...opened, vote.round])
  }
  const round = known ?? {
    round: vote.round,
    prevote: emptyVoteSet(votes.height, vote.round, 'prevote', votes.totalPower),
    precommit: emptyVoteSet(votes.height, vote.round, 'precommit', votes.totalPower),
  }
  const result = addVote(round[vote.type], vote, power)
  if (result.outcome === 'duplicate') return { outcome: 'duplicate', votes }
  // A conflicting vote still counts for the block it names (see voteSet.ts).
  const updated: RoundVotes =
    vote.type === 'prevote' ? { round: round.round, prevote: result.set, precommit: round.precommit } : { round: round.round, prevote: round.prevote, precommit: result.set }
  const rounds = votes.rounds.slice()
  if (known !== undefined) rounds[at] = updated
  else rounds.splice(at < 0 ? rounds.length : at, 0, updated)
  const next: HeightVotes = { height: votes.height, totalPower: votes.totalPower, rounds, catchUpRounds }
  return result.outcome === 'conflict' ? { outcome: 'conflict', votes: next, existing: result.existing } : { outcome: 'added', votes: next }
}
