import type { SignedVote } from '../tendermint/messages.ts'
import { voteExtensionSignDocument, voteSignDocument, type VoteExtensionSignDocument, type VoteSignDocument } from '../tendermint/signDocuments.ts'

/**
 * The host's signature check, injected so that this layer stays pure: it encodes
 * `document` canonically and checks `sig` with the ed25519 key of `validatorAddress`.
 * Validator sets know addresses only; the host knows which key each one stands for.
 */
export type VerifyVote = (validatorAddress: string, document: VoteSignDocument, sig: Uint8Array) => boolean

export const voteSignatureValid = (chainId: string, vote: SignedVote, verify: VerifyVote): boolean =>
  verify(vote.validatorAddress, voteSignDocument(chainId, vote), vote.sig)

/** The same for a vote extension's signature, over the canonical encoding of its document. */
export type VerifyExtension = (validatorAddress: string, document: VoteExtensionSignDocument, sig: Uint8Array) => boolean

/** Whether a vote's extension is signed by its validator; false for a vote without one. */
export const extensionSignatureValid = (chainId: string, vote: SignedVote, verify: VerifyExtension): boolean =>
  vote.extension !== undefined &&
  vote.extensionSig !== undefined &&
  verify(vote.validatorAddress, voteExtensionSignDocument(chainId, { height: vote.height, round: vote.round, extension: vote.extension }), vote.extensionSig)
