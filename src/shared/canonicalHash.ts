import { hash } from 'node:crypto'
import { encodeCanonical } from '../runtime/codec/canonicalEncoder.ts'

/**
 * Content ids for protocol data (block ids, tx hashes, evidence ids): sha256 over the
 * value's RFC 8949 §4.2.1 deterministic CBOR bytes, so equal values get equal ids on
 * every node. The bytes come from the runtime's hand-written canonical encoder, the one
 * that writes the wire: a pure leaf module (its tests pin it byte for byte to cborg's
 * `rfc8949EncodeOptions`), and several times faster than cborg, which made hashing
 * blocks, app states and transactions the largest cost of a validator's height.
 */
export const canonicalBytes = (value: unknown): Uint8Array => encodeCanonical(value)

export const canonicalHash = (value: unknown): string => sha256Hex(encodeCanonical(value))

/** One-shot hashing: a third of the cost of a Hash object for the short inputs hashed here. */
export const sha256Hex = (bytes: Uint8Array): string => hash('sha256', bytes, 'hex')
