import { Schema } from 'effect'

/**
 * The two consensus messages on the wire (CometBFT `Vote` and `Proposal`, spec §3.7),
 * each signed by its author over its sign-document (see signDocuments.ts). Times are µs.
 */

const Height = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))
const Round = Schema.NonNegativeInt
const Micros = Schema.NonNegativeInt
/** Lowercase hex of the validator address bytes (see Validator.address). */
const Address = Schema.String.pipe(Schema.pattern(/^(?:[0-9a-f]{2})+$/))
/** The host's id of a block (hash of header and parts); opaque to consensus. */
const BlockId = Schema.String.pipe(Schema.minLength(1))

export const VoteType = Schema.Literal('prevote', 'precommit')
export type VoteType = typeof VoteType.Type

export const SignedVote = Schema.Struct({
  type: VoteType,
  height: Height,
  round: Round,
  /** null is a vote for nil. */
  blockId: Schema.NullOr(BlockId),
  timestamp: Micros,
  validatorAddress: Address,
  /** Position in the height's validator set (see ValidatorSet.validators). */
  validatorIndex: Schema.NonNegativeInt,
  sig: Schema.Uint8ArrayFromSelf,
})
export type SignedVote = typeof SignedVote.Type
/** A vote as the machine asks the host to sign it. */
export type Vote = Omit<SignedVote, 'sig'>

export const SignedProposal = Schema.Struct({
  height: Height,
  round: Round,
  /** The valid round the proposer re-proposes from (paper L16: validRound), −1 for a fresh value. */
  polRound: Schema.Int.pipe(Schema.greaterThanOrEqualTo(-1)),
  blockId: BlockId,
  timestamp: Micros,
  proposerAddress: Address,
  /**
   * The encoded block. CometBFT gossips it in 64 KiB parts next to the proposal; here it
   * travels inside it, and the host decodes and checks it.
   */
  block: Schema.Uint8ArrayFromSelf,
  sig: Schema.Uint8ArrayFromSelf,
}).pipe(Schema.filter((p) => p.polRound < p.round || 'polRound must be below round'))
export type SignedProposal = typeof SignedProposal.Type
/** A proposal as the machine asks the host to sign it. */
export type Proposal = Omit<SignedProposal, 'sig'>

/** The message kinds of this protocol and their body schemas, for the actor's kind registry. */
export const tendermintKinds = {
  'tendermint.vote': SignedVote,
  'tendermint.proposal': SignedProposal,
} as const
