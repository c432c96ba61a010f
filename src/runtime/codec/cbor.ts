import { Either } from 'effect'
import { decodeCanonical } from './canonicalDecoder.ts'
import { DecodeError } from './errors.ts'

/**
 * The one CBOR codec of strata: canonical bytes out (see canonicalEncoder.ts for the data
 * model), and only canonical bytes in.
 */
export { encodeCanonical } from './canonicalEncoder.ts'

/**
 * Decodes bytes that must be a single canonical CBOR value of at most `maxBytes` bytes.
 * Never throws: every refusal is a DecodeError with a reason to count.
 */
export const decodeStrict = (bytes: Uint8Array, maxBytes: number): Either.Either<unknown, DecodeError> => {
  const size = bytes.length
  if (size > maxBytes) {
    return Either.left(new DecodeError({ reason: 'oversize', detail: `${size} bytes exceed the limit of ${maxBytes}`, size }))
  }
  try {
    const decoded = decodeCanonical(bytes)
    if ('value' in decoded) return Either.right(decoded.value)
    return Either.left(new DecodeError({ reason: decoded.reason, detail: decoded.detail, size }))
  } catch (error) {
    // Only the engine throws here: a stack overflow when called on a nearly full stack.
    return Either.left(new DecodeError({ reason: 'malformed', detail: error instanceof Error ? error.message : String(error), size }))
  }
}
