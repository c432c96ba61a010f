import { decodeFirst } from 'cborg'

/** One item of a CBOR sequence (RFC 8742): its value and where the next begins, or why there is none. */
export type SequenceItem = { readonly value: unknown; readonly next: number } | { readonly truncated: true } | { readonly error: string }

// cborg reports running out of bytes with these phrases; anything else is malformed data.
const OUT_OF_DATA = /not enough data|not enough entries/

/**
 * Decodes the item at `offset`. A file cut mid-item (a killed writer) reads as
 * `truncated`, anything else that does not decode as an `error`: files written item by
 * item (traces, recordings) keep their complete prefix either way.
 */
export const decodeSequenceItem = (bytes: Uint8Array, offset: number): SequenceItem => {
  try {
    const [value, rest] = decodeFirst(bytes.subarray(offset))
    return { value, next: bytes.length - rest.length }
  } catch (error) {
    const message = (error as Error).message
    return OUT_OF_DATA.test(message) ? { truncated: true } : { error: message }
  }
}
