import type { SignedVote } from './messages.ts'
import { withoutExtension } from './voteExtensions.ts'
import { blockKey } from './voteSet.ts'

/**
 * Proof that a validator signed two different votes for the same height, round and type
 * (CometBFT `DuplicateVoteEvidence`, spec/consensus/evidence.md). Both votes carry their
 * signatures, so anyone holding the validator's key can check it.
 */
export interface DuplicateVoteEvidence {
  readonly voteA: SignedVote
  readonly voteB: SignedVote
  readonly totalVotingPower: bigint
  readonly validatorPower: bigint
  /** The time of the block at the votes' height (µs), from which the evidence ages. */
  readonly timestamp: number
}

/**
 * Orders the votes canonically, by block id with nil first (CometBFT compares
 * `BlockID.Key()`), and leaves their extensions out (the double sign is in the signed
 * votes; an extension is signed apart and a byzantine validator may send the same vote
 * with several), so that the same two votes always make the same evidence.
 */
export const duplicateVoteEvidence = (
  vote1: SignedVote,
  vote2: SignedVote,
  validatorPower: bigint,
  totalVotingPower: bigint,
  timestamp: number,
): DuplicateVoteEvidence => {
  const [a, b] = blockKey(vote1.blockId) < blockKey(vote2.blockId) ? [vote1, vote2] : [vote2, vote1]
  return { voteA: withoutExtension(a), voteB: withoutExtension(b), totalVotingPower, validatorPower, timestamp }
}
