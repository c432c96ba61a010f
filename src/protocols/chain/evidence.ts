import { Schema } from 'effect'
import { canonicalBytes, sha256Hex } from '../../shared/canonicalHash.ts'
import type { DuplicateVoteEvidence } from '../tendermint/evidence.ts'
import { SignedVote } from '../tendermint/messages.ts'
import type { ValidatorSet } from '../tendermint/validatorSet.ts'
import { blockKey } from '../tendermint/voteSet.ts'
import { voteSignatureValid, type VerifyVote } from './voteSignature.ts'
import { BigIntFromWire, Micros } from './wireSchemas.ts'

/**
 * Evidence as blocks and gossip carry it. Decoding normalizes the powers to bigints
 * (they arrive as numbers when small, see `WireBigInt`); the decoded type is tendermint's
 * `DuplicateVoteEvidence`.
 */
export const DuplicateVoteEvidenceSchema = Schema.Struct({
  voteA: SignedVote,
  voteB: SignedVote,
  totalVotingPower: BigIntFromWire,
  validatorPower: BigIntFromWire,
  timestamp: Micros,
})

/** How long evidence stays usable (CometBFT `EvidenceParams`). */
export interface EvidenceParams {
  readonly maxAgeNumBlocks: number
  /** µs. */
  readonly maxAgeDuration: number
  /** Evidence bytes one block may carry. */
  readonly maxBytes: number
}

/** CometBFT's defaults: 100000 blocks, 48 h, 1 MiB. */
export const DEFAULT_EVIDENCE_PARAMS: EvidenceParams = {
  maxAgeNumBlocks: 100_000,
  maxAgeDuration: 48 * 3600 * 1_000_000,
  maxBytes: 1_048_576,
}

/** Content id and encoded size of a piece of evidence, from one encoding. */
export const evidenceFacts = (evidence: DuplicateVoteEvidence): { readonly id: string; readonly bytes: number } => {
  const bytes = canonicalBytes(evidence)
  return { id: sha256Hex(bytes), bytes: bytes.length }
}

export const evidenceId = (evidence: DuplicateVoteEvidence): string => evidenceFacts(evidence).id

/** The height the evidence is about. */
export const evidenceHeight = (evidence: DuplicateVoteEvidence): number => evidence.voteA.height

/**
 * Expired only when too old by BOTH measures (spec/consensus/evidence.md): a chain that
 * makes blocks slowly still gets MaxAgeDuration, one that makes them fast MaxAgeNumBlocks.
 */
export const isExpired = (evidence: DuplicateVoteEvidence, height: number, time: number, params: EvidenceParams): boolean =>
  height - params.maxAgeNumBlocks > evidenceHeight(evidence) && time - params.maxAgeDuration > evidence.timestamp

/** What the host knows about the height the evidence is about. */
export interface EvidenceContext {
  readonly chainId: string
  /** The validator set of the evidence's height. */
  readonly validators: ValidatorSet
  /** The time of the block at the evidence's height. */
  readonly blockTime: number
  readonly verify: VerifyVote
}

/**
 * Why `evidence` does not prove a double sign, or undefined when it does (CometBFT
 * `VerifyDuplicateVote`): two votes of one validator for the same height, round and type
 * but different blocks, in canonical order, both signed, with the powers and time of
 * that height.
 */
export const checkDuplicateVoteEvidence = (evidence: DuplicateVoteEvidence, context: EvidenceContext): string | undefined => {
  const { voteA: a, voteB: b } = evidence
  if (a.validatorAddress !== b.validatorAddress) return 'the votes are from different validators'
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) return 'the votes are for different height, round or type'
  if (a.blockId === b.blockId) return 'the votes are for the same block'
  // Without them, the same double sign makes one piece of evidence (see duplicateVoteEvidence).
  if (a.extension !== undefined || b.extension !== undefined) return 'the votes carry vote extensions'
  // Canonical order makes the same two votes one piece of evidence (one id).
  if (!(blockKey(a.blockId) < blockKey(b.blockId))) return 'the votes are not in canonical order'
  const validator = context.validators.validators.find((v) => v.address === a.validatorAddress)
  if (validator === undefined) return `${a.validatorAddress} was not a validator at height ${a.height}`
  if (evidence.validatorPower !== validator.power) return `validator power ${evidence.validatorPower}, was ${validator.power}`
  if (evidence.totalVotingPower !== context.validators.totalPower) {
    return `total voting power ${evidence.totalVotingPower}, was ${context.validators.totalPower}`
  }
  if (evidence.timestamp !== context.blockTime) return `timestamp ${evidence.timestamp}, the block time was ${context.blockTime}`
  if (!voteSignatureValid(context.chainId, a, context.verify)) return 'vote A has an invalid signature'
  if (!voteSignatureValid(context.chainId, b, context.verify)) return 'vote B has an invalid signature'
  return undefined
}
