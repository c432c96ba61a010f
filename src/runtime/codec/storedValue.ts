import { crc32 } from 'node:zlib'
import { Either } from 'effect'
import { decodeStrict, encodeCanonical } from './cbor.ts'
import { StoreCorruption } from './errors.ts'

/**
 * Values kept in a Store: canonical CBOR followed by a big-endian CRC-32 of it. A Store
 * may hand back corrupted or truncated bytes (simulated storage faults, a torn write);
 * the checksum turns that into a typed StoreCorruption instead of a wrong value.
 * CRC-32 detects every error burst of up to 32 bits, which covers any single flipped bit.
 */
const CHECKSUM_BYTES = 4

export const encodeStored = (value: unknown): Uint8Array => {
  const payload = encodeCanonical(value)
  const stored = new Uint8Array(payload.length + CHECKSUM_BYTES)
  stored.set(payload)
  new DataView(stored.buffer).setUint32(payload.length, crc32(payload))
  return stored
}

/** Never throws. */
export const decodeStored = (bytes: Uint8Array): Either.Either<unknown, StoreCorruption> => {
  if (bytes.length <= CHECKSUM_BYTES) return Either.left(new StoreCorruption({ detail: `${bytes.length} bytes is too short to hold a value and its checksum` }))
  const end = bytes.length - CHECKSUM_BYTES
  const payload = bytes.subarray(0, end)
  const expected = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end)
  const actual = crc32(payload)
  if (actual !== expected) {
    return Either.left(new StoreCorruption({ detail: `checksum ${hex32(actual)} does not match the stored ${hex32(expected)}` }))
  }
  return Either.mapLeft(decodeStrict(payload, Number.POSITIVE_INFINITY), (error) => new StoreCorruption({ detail: error.message }))
}

const hex32 = (n: number): string => n.toString(16).padStart(8, '0')
