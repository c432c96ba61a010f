import type { Proposal, Vote } from './messages.ts'

/**
 * What a validator signs (CometBFT's canonical vote and proposal): the chain id binds a
 * signature to one chain, and the validator's address and index are left out because
 * the key that signs already names the validator. The host encodes a document
 * canonically (deterministic CBOR) and signs those bytes with ed25519.
 */

export interface VoteSignDocument {
  readonly chainId: string
  readonly type: Vote['type']
  readonly height: number
  readonly round: number
  readonly blockId: string | null
  readonly timestamp: number
}

export interface ProposalSignDocument {
  readonly chainId: string
  readonly type: 'proposal'
  readonly height: number
  readonly round: number
  readonly polRound: number
  readonly blockId: string
  readonly timestamp: number
}

/**
 * What a validator signs for its vote extension (CometBFT `CanonicalVoteExtension`): the
 * extension bound to the chain, height and round — not to the block, which the vote's own
 * signature covers.
 */
export interface VoteExtensionSignDocument {
  readonly chainId: string
  readonly height: number
  readonly round: number
  readonly extension: Uint8Array
}

/** The fields of `vote` a signature covers, bound to `chainId` (anything else `vote` has is left out). */
export const voteSignDocument = (chainId: string, vote: Pick<Vote, 'type' | 'height' | 'round' | 'blockId' | 'timestamp'>): VoteSignDocument => ({
  chainId,
  type: vote.type,
  height: vote.height,
  round: vote.round,
  blockId: vote.blockId,
  timestamp: vote.timestamp,
})

export const proposalSignDocument = (chainId: string, proposal: Proposal): ProposalSignDocument => ({
  chainId,
  type: 'proposal',
  height: proposal.height,
  round: proposal.round,
  polRound: proposal.polRound,
  blockId: proposal.blockId,
  timestamp: proposal.timestamp,
})

export const voteExtensionSignDocument = (
  chainId: string,
  vote: { readonly height: number; readonly round: number; readonly extension: Uint8Array },
): VoteExtensionSignDocument => ({ chainId, height: vote.height, round: vote.round, extension: vote.extension })
