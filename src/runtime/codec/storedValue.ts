import { crc32 } from 'node:zlib'
import { Either } from 'effect'
import { decodeStrict } from './cbor.ts'
import { encodeWith, type CanonicalEncoder } from './canonicalEncoder.ts'
import { StoreCorruption } from './errors.ts'

/**
 * Values kept in a Store: canonical CBOR followed by a big-endian CRC-32 of it. A Store
 * may hand back corrupted or truncated bytes (simulated storage faults, a torn write);
 * the checksum turns that into a typed StoreCorruption instead of a wrong value.
 * CRC-32 detects every error burst of up to 32 bits, which covers any single flipped bit.
 */
const CHECKSUM_BYTES = 4

export const encodeStored = (value: unknown): Uint8Array => {
  // The checksum goes into room left at the end of the encoding: no second copy of the
  // value (a stored commit of 64 precommits is ~10 KB, stored by every validator).
  const stored = encodeWith(writeWithChecksumRoom, value)
  const end = stored.length - CHECKSUM_BYTES
  new DataView(stored.buffer, stored.byteOffset, stored.byteLength).setUint32(end, crc32(stored.subarray(0, end)))
  return stored
}

const CHECKSUM_ROOM = new Uint8Array(CHECKSUM_BYTES)

const writeWithChecksumRoom = (encoder: CanonicalEncoder, value: unknown): void => {
  encoder.value(value, 0)
  encoder.out.raw(CHECKSUM_ROOM)
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
