import { Either } from 'effect'
import type { VoteSignDocument } from '../../protocols/tendermint/index.ts'
import { encodeCanonical } from '../../runtime/codec/cbor.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import type { StoreService } from '../../runtime/services.ts'
import { sha256Hex } from '../../shared/canonicalHash.ts'

const KEY = 'validator/signed-at-height'

interface Signed {
  readonly document: Readonly<Record<string, unknown>>
  readonly sig: Uint8Array
}

interface Log {
  readonly height: number
  readonly signed: readonly Signed[]
}

const EMPTY: Log = { height: 0, signed: [] }

/**
 * Every document the validator signed at the height of its last signature, with its
 * signature: the part of CometBFT's WAL a validator cannot do without. After a restart
 * it counts and re-sends its own votes of the height (others re-send only theirs, and a
 * polka it was part of must stay visible to it), and a document asked again is answered
 * with the signature it got. Written next to the double-sign guard, and made durable by
 * the guard's sync before a signature leaves.
 */
export class SignedLog {
  private log: Log

  constructor(private readonly store: StoreService) {
    const stored = store.get(KEY)
    const decoded = stored === undefined ? undefined : decodeStored(stored)
    // Unreadable, it only costs what it would have restored: the guard still holds.
    this.log = decoded === undefined || Either.isLeft(decoded) ? EMPTY : (decoded.right as Log)
  }

  add(height: number, document: Readonly<Record<string, unknown>>, sig: Uint8Array): void {
    const signed = height === this.log.height ? [...this.log.signed, { document, sig }] : [{ document, sig }]
    this.log = { height, signed }
    this.store.put(KEY, encodeStored(this.log))
  }

  /**
   * The signature given to a document equal to `document` but for its timestamp, with
   * that timestamp (CometBFT privval: the same vote asked again after a restart; sending
   * the one signed before reveals nothing new).
   */
  sameButTimestamp(document: { readonly timestamp: number }): { timestamp: number; sig: Uint8Array } | undefined {
    const { timestamp: _ours, ...rest } = document as Record<string, unknown>
    const digest = sha256Hex(encodeCanonical(rest))
    for (const entry of this.log.signed) {
      const { timestamp, ...previous } = entry.document
      if (typeof timestamp === 'number' && sha256Hex(encodeCanonical(previous)) === digest) return { timestamp, sig: entry.sig }
    }
    return undefined
  }

  /** The votes signed at `height`, in signing order. */
  votesAt(height: number): { readonly document: VoteSignDocument; readonly sig: Uint8Array }[] {
    if (height !== this.log.height) return []
    return this.log.signed.flatMap((s) => (s.document['type'] === 'prevote' || s.document['type'] === 'precommit' ? [s as unknown as { document: VoteSignDocument; sig: Uint8Array }] : []))
  }
}
