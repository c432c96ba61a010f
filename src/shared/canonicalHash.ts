import { createHash } from 'node:crypto'
import { encode, rfc8949EncodeOptions } from 'cborg'

/**
 * Content ids for protocol data (block ids, tx hashes, evidence ids): sha256 over the
 * value's RFC 8949 §4.2.1 deterministic CBOR bytes, so equal values get equal ids on
 * every node. Protocols may not import the runtime's codec, hence this small twin of
 * its encoding; a test pins that both produce identical bytes.
 */
export const canonicalBytes = (value: unknown): Uint8Array => encode(value, rfc8949EncodeOptions)

export const canonicalHash = (value: unknown): string => createHash('sha256').update(canonicalBytes(value)).digest('hex')

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
