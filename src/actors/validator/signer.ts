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
import { SignedLog } from './signedLog.ts'

const PRIVVAL_KEY = 'validator/privval'

/**
 * The validator's private-validator component: it signs only what the double-sign guard
 * allows, and makes the new guard state durable (store sync) before a signature leaves.
 * A crash at any point therefore never lets an honest validator sign two different
 * votes for one height, round and step.
 */
export class Signer {
  private last: LastSignState
  private readonly log: SignedLog

  constructor(
    private readonly tk: ActorToolkit,
    private readonly chainId: string,
  ) {
    const stored = tk.store.get(PRIVVAL_KEY)
    const decoded = stored === undefined ? undefined : decodeStored(stored)
    // A corrupted guard must not be mistaken for "never signed": refuse to start instead.
    if (decoded !== undefined && Either.isLeft(decoded)) throw new Error(`double-sign guard unreadable: ${decoded.left.detail}`)
    this.last = decoded === undefined ? INITIAL_SIGN_STATE : (decoded.right as LastSignState)
    this.log = new SignedLog(tk.store)
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

  /**
   * Signs a vote extension's document (canonical bytes) without the guard, as CometBFT's
   * privval always re-signs extensions: the guard protects what the vote signature
   * covers, and the extension is outside it (an application may even extend
   * differently after a restart). Not a vote, so not reported as one signed.
   */
  extension(bytes: Uint8Array): Uint8Array {
    return this.tk.keys.sign(bytes)
  }

  /**
   * The round to start `height` in: after a restart in a height this validator already
   * signed in, the last round it signed in (as CometBFT resumes the round its WAL ends
   * in: the guard and the log answer what it signed there, and let it sign the steps it
   * had not reached); round 0 otherwise.
   */
  firstRoundAt(height: number): number {
    return this.last.height === height && this.last.step !== 'none' ? this.last.round : 0
  }

  /** The votes this validator signed at `height` before a restart, as they left: to count and send again. */
  votesSignedAt(height: number, validator: { readonly address: string; readonly index: number }): SignedVote[] {
    return this.log.votesAt(height).map(({ document, sig }) => ({
      type: document.type,
      height: document.height,
      round: document.round,
      blockId: document.blockId,
      timestamp: document.timestamp,
      validatorAddress: validator.address,
      validatorIndex: validator.index,
      sig,
    }))
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
      const again = this.log.sameButTimestamp(document)
      if (again !== undefined) return again
      this.tk.metrics.count('privval.refused')
      this.tk.log.log('warn', `refused to sign ${step} at ${height}/${round}: ${check.reason}`)
      return undefined
    }
    const sig = this.tk.keys.sign(bytes)
    if (!check.again) {
      this.tk.store.put(PRIVVAL_KEY, encodeStored(check.next))
      this.log.add(height, document as unknown as Record<string, unknown>, sig)
      this.tk.store.sync()
      this.last = check.next
    }
    this.tk.reports.report(SIGNED, { height, round, step, blockId, digest })
    return { timestamp: document.timestamp, sig }
  }
}
