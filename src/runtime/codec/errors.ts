import { Data } from 'effect'

/** Why bytes were refused. Counted per reason, so keep the set small and stable. */
export type DecodeFailure =
  | 'oversize'
  | 'malformed'
  | 'non-canonical'
  | 'duplicate-key'
  | 'indefinite-length'
  | 'unsupported-value'
  | 'not-an-envelope'
  | 'unsupported-version'
  | 'unknown-kind'
  | 'schema'

/**
 * A detail's first line is its summary; a schema error continues with the full tree on
 * the next lines. `message` keeps to the summary so that it stays one log line.
 */
const summary = (detail: string): string => detail.split('\n', 1)[0]!

/** Bytes that were refused. `size` is the length of what was received. */
export class DecodeError extends Data.TaggedError('DecodeError')<{
  readonly reason: DecodeFailure
  readonly detail: string
  readonly size: number
}> {
  override get message(): string {
    return `cannot decode ${this.size} bytes (${this.reason}): ${summary(this.detail)}`
  }
}

/** A value that has no canonical CBOR form (undefined, NaN, a function, a bigint beyond 64 bits...). */
export class EncodeError extends Data.TaggedError('EncodeError')<{
  readonly detail: string
}> {
  override get message(): string {
    return `cannot encode value: ${summary(this.detail)}`
  }
}

/** Bytes read back from a Store that are not what was written (bad checksum, truncated, undecodable). */
export class StoreCorruption extends Data.TaggedError('StoreCorruption')<{
  readonly detail: string
}> {
  override get message(): string {
    return `stored value is corrupted: ${summary(this.detail)}`
  }
}
