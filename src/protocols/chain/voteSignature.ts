import type { SignedVote } from '../tendermint/messages.ts'
import { voteSignDocument, type VoteSignDocument } from '../tendermint/signDocuments.ts'

/**
 * The host's signature check, injected so that this layer stays pure: it encodes
 * `document` canonically and checks `sig` with the ed25519 key of `validatorAddress`.
 * Validator sets know addresses only; the host knows which key each one stands for.
 */
export type VerifyVote = (validatorAddress: string, document: VoteSignDocument, sig: Uint8Array) => boolean

export const voteSignatureValid = (chainId: string, vote: SignedVote, verify: VerifyVote): boolean =>
  verify(vote.validatorAddress, voteSignDocument(chainId, vote), vote.sig)
