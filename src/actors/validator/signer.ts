import { Either } from 'effect'
import {
  checkSign,
  INITIAL_SIGN_STATE,
  proposalSignDocument,
  voteSignDocument,
  type LastSignState,
  type Proposal,
  type SignedProposal,
  type SignedVote,
  type SignStep,
  type Vote,
} from '../../protocols/tendermint/index.ts'
import { encodeCanonical } from '../../runtime/codec/cbor.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import type { ActorToolkit } from '../common/toolkit.ts'
import { SIGNED } from '../../checks/consensusReports.ts'
import { sha256Hex } from '../../shared/canonicalHash.ts'

const PRIVVAL_KEY = 'validator/privval'
/** The last document signed and its signature, to sign the same vote again after a restart. */
const LAST_SIGNED_KEY = 'validator/last-signed'

interface LastSigned {
  readonly document: Record<string, unknown>
  readonly sig: Uint8Array
}

/**
 * The validator's private-validator component: it signs only what the double-sign guard
 * allows, and makes the new guard state durable (store sync) before a signature leaves.
 * A crash at any point therefore never lets an honest validator sign two different
 * votes for one height, round and step.
 */
export class Signer {
  private last: LastSignState

  constructor(
    private readonly tk: ActorToolkit,
    private readonly chainId: string,
  ) {
    const stored = tk.store.get(PRIVVAL_KEY)
    const decoded = stored === undefined ? undefined : decodeStored(stored)
    // A corrupted guard must not be mistaken for "never signed": refuse to start instead.
    if (decoded !== undefined && Either.isLeft(decoded)) throw new Error(`double-sign guard unreadable: ${decoded.left.detail}`)
    this.last = decoded === undefined ? INITIAL_SIGN_STATE : (decoded.right as LastSignState)
  }

  vote(vote: Vote): SignedVote | undefined {
    const document = voteSignDocument(this.chainId, vote)
    const signed = this.sign(vote.height, vote.round, vote.type, vote.blockId, document)
    return signed === undefined ? undefined : { ...vote, timestamp: signed.timestamp, sig: signed.sig }
  }

  proposal(proposal: Proposal): SignedProposal | undefined {
    const document = proposalSignDocument(this.chainId, proposal)
    const signed = this.sign(proposal.height, proposal.round, 'proposal', proposal.blockId, document)
    return signed === undefined ? undefined : { ...proposal, timestamp: signed.timestamp, sig: signed.sig }
  }

  /** Signs without the guard: only byzantine behaviours do this, on purpose. */
  signUnguarded(step: SignStep, height: number, round: number, blockId: string | null, bytes: Uint8Array): Uint8Array {
    this.tk.reports.report(SIGNED, { height, round, step, blockId, digest: sha256Hex(bytes) })
    return this.tk.keys.sign(bytes)
  }

  private sign(
    height: number,
    round: number,
    step: SignStep,
    blockId: string | null,
    document: { readonly timestamp: number },
  ): { timestamp: number; sig: Uint8Array } | undefined {
    const bytes = encodeCanonical(document)
    const digest = sha256Hex(bytes)
    const check = checkSign(this.last, height, round, step, digest)
    if (!check.ok) {
      // As CometBFT's privval: the same vote asked again after a restart differs only by
      // its timestamp; sending the one signed before reveals nothing new.
      const again = check.reason === 'conflicting-data' ? this.sameButTimestamp(document) : undefined
      if (again !== undefined) return again
      this.tk.metrics.count('privval.refused')
      this.tk.log.log('warn', `refused to sign ${step} at ${height}/${round}: ${check.reason}`)
      return undefined
    }
    const sig = this.tk.keys.sign(bytes)
    if (!check.again) {
      this.tk.store.put(PRIVVAL_KEY, encodeStored(check.next))
      this.tk.store.put(LAST_SIGNED_KEY, encodeStored({ document, sig }))
      this.tk.store.sync()
      this.last = check.next
    }
    this.tk.reports.report(SIGNED, { height, round, step, blockId, digest })
    return { timestamp: document.timestamp, sig }
  }

  private sameButTimestamp(document: { readonly timestamp: number }): { timestamp: number; sig: Uint8Array } | undefined {
    const stored = this.tk.store.get(LAST_SIGNED_KEY)
    const decoded = stored === undefined ? undefined : decodeStored(stored)
    if (decoded === undefined || Either.isLeft(decoded)) return undefined
    const last = decoded.right as LastSigned
    const { timestamp: _ours, ...rest } = document as Record<string, unknown>
    const { timestamp: theirs, ...previous } = last.document
    if (typeof theirs !== 'number' || sha256Hex(encodeCanonical(rest)) !== sha256Hex(encodeCanonical(previous))) return undefined
    return { timestamp: theirs, sig: last.sig }
  }
}
