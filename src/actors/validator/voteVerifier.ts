import type { VerifyVote } from '../../protocols/chain/index.ts'
import { voteSignDocument, type VoteSignDocument } from '../../protocols/tendermint/index.ts'
import { encodeCanonical } from '../../runtime/codec/cbor.ts'
import { sameBytes, SignatureMemo } from '../../runtime/crypto/signatureMemo.ts'
import { verifySignature } from '../../runtime/crypto/ed25519.ts'
import type { ValidatorIdentities } from './identities.ts'

/**
 * Answers shared by the validators of a process. Every validator checks every vote — when
 * it arrives and again in the next block's LastCommit — and encoding the sign-document to
 * look the answer up cost more than everything else a known vote needs. So answers are
 * matched on the signer's key and the document's six fields, which encode to the same
 * bytes exactly when they are equal: only a new signature is encoded and verified (and
 * what is encoded is those six fields, so that the answer depends on nothing else). Enough
 * answers are kept for every vote of hundreds of heights, far longer than a vote is
 * checked again (on receipt, re-gossip, in the next block).
 */
const answers = new SignatureMemo<{ readonly publicKey: Uint8Array; readonly document: VoteSignDocument; readonly signature: Uint8Array; readonly valid: boolean }>(50_000)

/**
 * The validator's `VerifyVote`: ed25519 over the canonical document, with the key of the
 * address's validator. One function per identities object, so that validators sharing
 * their identities (see ValidatorIdentities.of) share the answers memoized per check,
 * such as a commit's verdict.
 */
export const voteVerifier = (identities: ValidatorIdentities): VerifyVote => {
  let verify = verifiers.get(identities)
  if (verify === undefined) verifiers.set(identities, (verify = verifierFor(identities)))
  return verify
}

const verifiers = new WeakMap<ValidatorIdentities, VerifyVote>()

const verifierFor =
  (identities: ValidatorIdentities): VerifyVote =>
  (address, document, sig) => {
    const identity = identities.withAddress(address)
    if (identity === undefined) return false
    const known = answers.entryFor(sig)
    if (known !== undefined && sameBytes(known.publicKey, identity.publicKey) && sameDocument(known.document, document)) return known.valid
    const fields = voteSignDocument(document.chainId, document)
    const valid = verifySignature(identity.publicKey, encodeCanonical(fields), sig)
    answers.remember({ publicKey: identity.publicKey.slice(), document: fields, signature: sig.slice(), valid })
    return valid
  }

/** Field by field, cheaper than a generic deep comparison: it runs for every vote every validator checks. */
const sameDocument = (a: VoteSignDocument, b: VoteSignDocument): boolean =>
  a.timestamp === b.timestamp && a.height === b.height && a.round === b.round && a.type === b.type && a.blockId === b.blockId && a.chainId === b.chainId
