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

/**
 * Far above what an application puts in one (prices, randomness shares): every peer keeps
 * each extension in its commit and serves it again to nodes catching up, so a hostile
 * validator must not be able to make them large.
 */
export const MAX_VOTE_EXTENSION_BYTES = 16 * 1024

const Bytes = Schema.Uint8ArrayFromSelf
const ExtensionBytes = Bytes.pipe(Schema.filter((b) => b.length <= MAX_VOTE_EXTENSION_BYTES || `a vote extension is at most ${MAX_VOTE_EXTENSION_BYTES} bytes`))

/** CometBFT `Vote.ValidateBasic` on the extension fields: they come together, only on a precommit for a block. */
const extensionFieldsProblem = (v: { type: VoteType; blockId: string | null; extension?: Uint8Array; extensionSig?: Uint8Array }): string | undefined => {
  if (v.extension === undefined && v.extensionSig === undefined) return undefined
  if (v.extension === undefined || v.extensionSig === undefined) return 'a vote extension and its signature come together'
  return v.type === 'precommit' && v.blockId !== null ? undefined : 'only a precommit for a block carries an extension'
}

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
  sig: Bytes,
  /**
   * ABCI++ vote extension (CometBFT `Vote.extension`): what the application's ExtendVote
   * returned, on a precommit for a block at a height with extensions enabled (see
   * voteExtensions.ts). Absent from every other vote, so those encode as before.
   */
  extension: Schema.optionalWith(ExtensionBytes, { exact: true }),
  /**
   * The validator's signature over `voteExtensionSignDocument` (CometBFT
   * `extension_signature`): separate from `sig` so that the vote's sign-bytes — and with
   * them the double-sign guard and evidence — do not depend on the extension.
   */
  extensionSig: Schema.optionalWith(Bytes, { exact: true }),
}).pipe(Schema.filter((v) => extensionFieldsProblem(v) ?? true))
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
