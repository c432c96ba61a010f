import { encode, rfc8949EncodeOptions } from 'cborg'

/**
 * Digests that name an envelope (or a timer's data) inside a trace without storing it.
 *
 * The simulator digests every delivered envelope, so this has to be cheap: it is the
 * first 64 bits of MurmurHash3 x86_128 (seed 0), which reads 16 bytes per round with
 * `Math.imul`. Byte-at-a-time FNV-1a 64 was measured at ~1.3 M/s for 150-byte inputs
 * in V8, below the 3 M/s budget; this runs at ~5 M/s on an idle core. Not cryptographic:
 * a digest only has to tell apart the envelopes of two runs, not resist an adversary.
 */

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r))

/** Scrambles one 32-bit input word of a lane before it is folded into the lane's state. */
const scramble = (k: number, ca: number, r: number, cb: number): number => Math.imul(rotl(Math.imul(k, ca), r), cb)

const fmix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const wordAt = (b: Uint8Array, i: number): number =>
  (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)

/** Little-endian word from the 1–3 (or 4) bytes left in [start, end). */
const partialWordAt = (b: Uint8Array, start: number, end: number): number => {
  let k = 0
  for (let i = end - 1; i >= start; i--) k = (k << 8) | (b[i] as number)
  return k
}

// The character code of each hex digit. The digest string is made in one call from its 16
// codes: `toString(16).padStart` per digest cost more than the hashing itself, and joining
// two-character pieces gave a rope of 8 strings that V8 had to flatten when the trace hash
// read it (~250 ns per digest).
const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0))

const hexDigit = (n: number, shift: number): number => HEX_CODES[(n >>> shift) & 15] as number

const hex64 = (high: number, low: number): string =>
  String.fromCharCode(
    hexDigit(high, 28), hexDigit(high, 24), hexDigit(high, 20), hexDigit(high, 16),
    hexDigit(high, 12), hexDigit(high, 8), hexDigit(high, 4), hexDigit(high, 0),
    hexDigit(low, 28), hexDigit(low, 24), hexDigit(low, 20), hexDigit(low, 16),
    hexDigit(low, 12), hexDigit(low, 8), hexDigit(low, 4), hexDigit(low, 0),
  )

/** 64-bit non-cryptographic digest of `bytes` as 16 lowercase hex characters. */
export const digestBytes = (bytes: Uint8Array): string => {
  const len = bytes.length
  const blocksEnd = len - (len % 16)
  let h1 = 0
  let h2 = 0
  let h3 = 0
  let h4 = 0
  let i = 0
  for (; i < blocksEnd; i += 16) {
    h1 ^= scramble(wordAt(bytes, i), C1, 15, C2)
    h1 = (Math.imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0
    h2 ^= scramble(wordAt(bytes, i + 4), C2, 16, C3)
    h2 = (Math.imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0
    h3 ^= scramble(wordAt(bytes, i + 8), C3, 17, C4)
    h3 = (Math.imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0
    h4 ^= scramble(wordAt(bytes, i + 12), C4, 18, C1)
    h4 = (Math.imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0
  }
  const tail = len - i
  if (tail > 12) h4 ^= scramble(partialWordAt(bytes, i + 12, len), C4, 18, C1)
  if (tail > 8) h3 ^= scramble(partialWordAt(bytes, i + 8, Math.min(i + 12, len)), C3, 17, C4)
  if (tail > 4) h2 ^= scramble(partialWordAt(bytes, i + 4, Math.min(i + 8, len)), C2, 16, C3)
  if (tail > 0) h1 ^= scramble(partialWordAt(bytes, i, Math.min(i + 4, len)), C1, 15, C2)

  h1 ^= len
  h2 ^= len
  h3 ^= len
  h4 ^= len
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix(h1)
  h2 = fmix(h2)
  h3 = fmix(h3)
  h4 = fmix(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  return hex64(h1, h2)
}

/**
 * The digest of "no data". No CBOR item encodes to zero bytes, so this cannot be the
 * digest of an actual value (short of a hash collision), and data-less timers — the
 * common case — skip the encoder.
 */
export const UNDEFINED_DIGEST = digestBytes(new Uint8Array(0))

/**
 * Digest of a timer's data, over its canonical CBOR encoding (RFC 8949 core deterministic:
 * map keys sorted), so two runs that build the same data with keys in another order agree.
 * Throws when the data cannot be encoded as CBOR (a function, a symbol): like an envelope
 * body, timer data must be serializable, and a simulation should fail loudly when it isn't.
 */
export const digestValue = (value: unknown): string =>
  value === undefined ? UNDEFINED_DIGEST : digestBytes(encode(value, rfc8949EncodeOptions))
