import { isUtf8 } from 'node:buffer'
import type { DecodeFailure } from './errors.ts'
import { floatWidth, halfToNumber } from './floats.ts'
import { cachedText, MAX_CACHED_TEXT_BYTES, rememberText, textSlot } from './textCache.ts'
import { MAX_NESTING } from './limits.ts'

/**
 * Decodes one value in RFC 8949 §4.2.1 core deterministic encoding, restricted to the data
 * model strata speaks (maps with text keys, arrays, text, bytes, integers, floats, booleans,
 * null), and refuses anything else: whatever it accepts re-encodes to exactly the same
 * bytes. It checks and builds in one walk, in place of the canonical scan followed by
 * cborg's decoder (~379k/s on a 154-byte membership ping envelope; this: ~1.0M/s — see
 * canonicalEncoder.ts for the budget). Same refusals, with the same reasons and details
 * as that scan. cborg stays the oracle: the tests check that bytes are accepted exactly
 * when cborg's strict decoder takes them and re-encodes them identically, and that the
 * values are equal.
 *
 * Values are what cborg gives: plain objects for maps, Uint8Array copies for byte strings,
 * numbers for integers in the safe range and bigints beyond it.
 *
 * Where the RFC leaves room, the rule is "what our encoder writes":
 *  - a float holding an integer in the safe range (or -0) must be written as an integer,
 *    because that is how a JS number with that value is encoded;
 *  - half subnormals follow floats.ts (only powers of two stay half);
 *  - text must be valid UTF-8 and may not start with U+FEFF, which a TextDecoder drops.
 */
export type Decoded = { readonly value: unknown } | CanonicalViolation

export interface CanonicalViolation {
  readonly reason: DecodeFailure
  readonly detail: string
}

/** Throws nothing but what the engine may (a stack overflow when called on a nearly full stack). */
export const decodeCanonical = (bytes: Uint8Array): Decoded => {
  const input = plainBytes(bytes)
  const decoder = new Decoder(input)
  try {
    if (input.length === 0) decoder.fail('malformed', 'no bytes')
    const value = decoder.item(0)
    if (decoder.pos !== input.length) decoder.fail('malformed', `${input.length - decoder.pos} trailing bytes after the value`)
    return { value }
  } catch (error) {
    if (error instanceof Violation) return error
    throw error
  }
}

/**
 * Decodes bytes that should hold one map with exactly the text keys given, in the order
 * given (which must be their canonical order), each followed by any value this decoder
 * accepts: the values, in that order. Undefined when the bytes hold anything else — the
 * caller then learns what with `decodeCanonical`. For a structure known in advance (the
 * envelope) it replaces looking up and checking each key by comparing its bytes.
 * `keys` are the keys' encoded bytes (head and UTF-8).
 */
export const decodeFields = (bytes: Uint8Array, keys: readonly Uint8Array[]): unknown[] | undefined => {
  const input = plainBytes(bytes)
  if (keys.length >= 24 || input[0] !== ((MAJOR_MAP << 5) | keys.length)) return undefined
  const decoder = new Decoder(input)
  decoder.pos = 1
  const values: unknown[] = []
  try {
    for (let k = 0; k < keys.length; k++) {
      if (!decoder.skip(keys[k]!)) return undefined
      values.push(decoder.item(1))
    }
  } catch (error) {
    if (error instanceof Violation) return undefined
    throw error
  }
  return decoder.pos === input.length ? values : undefined
}

// Byte strings are copied out with slice(), which on a Buffer would return a view.
const plainBytes = (bytes: Uint8Array): Uint8Array => (bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))

// Thrown only inside the decoder: the accepted path pays nothing for error handling.
class Violation implements CanonicalViolation {
  constructor(
    readonly reason: DecodeFailure,
    readonly detail: string,
  ) {}
}

const MAJOR_UNSIGNED = 0
const MAJOR_NEGATIVE = 1
const MAJOR_BYTES = 2
const MAJOR_TEXT = 3
const MAJOR_ARRAY = 4
const MAJOR_MAP = 5
const MAJOR_TAG = 6

const INDEFINITE = 31
const MIN_ARGUMENT = [24, 256, 65536, 2 ** 32] as const
const MAJOR_NAMES = ['integer', 'negative integer', 'byte string', 'text', 'array', 'map', 'tag', 'simple value'] as const

// Text up to this many bytes is built from its character codes while it is ASCII; longer
// text by TextDecoder. The codes go into a reused array of the text's length and become a
// string in one call: adding one character at a time made a string per character.
const SHORT_TEXT = 32
const shortCodes: number[][] = Array.from({ length: SHORT_TEXT + 1 }, (_, length) => new Array<number>(length).fill(0))

const textDecoder = new TextDecoder()
const floatScratch = new DataView(new ArrayBuffer(8))

class Decoder {
  pos = 0
  // Set by argument(): the high and low halves of the last 8-byte argument, for integers
  // beyond 2^53 that a number cannot hold.
  private high = 0
  private low = 0

  constructor(private readonly bytes: Uint8Array) {}

  fail(reason: DecodeFailure, detail: string): never {
    throw new Violation(reason, detail)
  }

  /** Moves past `expected` if the input continues with exactly these bytes. */
  skip(expected: Uint8Array): boolean {
    const bytes = this.bytes
    const at = this.pos
    if (at + expected.length > bytes.length) return false
    for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false
    this.pos = at + expected.length
    return true
  }

  item(depth: number): unknown {
    const bytes = this.bytes
    const start = this.pos
    if (start >= bytes.length) this.fail('malformed', `input ends at byte ${start} where a value was expected`)
    const initial = bytes[start]!
    const major = initial >> 5
    const minor = initial & 0x1f
    this.pos = start + 1
    if (major === 7) return this.simpleOrFloat(minor, start)
    if (minor === INDEFINITE) {
      if (major >= MAJOR_BYTES && major <= MAJOR_MAP) this.fail('indefinite-length', `indefinite-length ${MAJOR_NAMES[major]} at byte ${start}`)
      this.fail('malformed', `reserved additional information 31 for a ${MAJOR_NAMES[major]} at byte ${start}`)
    }
    if (major === MAJOR_TAG) this.fail('unsupported-value', `tag at byte ${start}: strata messages use no tags`)
    const argument = minor < 24 ? minor : this.argument(minor, major, start)
    switch (major) {
      case MAJOR_UNSIGNED:
        return minor === 27 && argument > Number.MAX_SAFE_INTEGER ? (BigInt(this.high) << 32n) | BigInt(this.low) : argument
      case MAJOR_NEGATIVE:
        // cborg gives a number only down to -(2^53 - 1), the last safe integer.
        return minor === 27 && argument >= Number.MAX_SAFE_INTEGER ? -1n - ((BigInt(this.high) << 32n) | BigInt(this.low)) : -1 - argument
      case MAJOR_BYTES:
        return this.byteString(argument, start)
      case MAJOR_TEXT:
        return this.cachedText(argument, start, false)
      case MAJOR_ARRAY:
        return this.array(argument, depth, start)
      default:
        return this.map(argument, depth, start)
    }
  }

  /** Reads the argument of an initial byte past 23 and insists on its shortest form. */
  private argument(minor: number, major: number, start: number): number {
    const bytes = this.bytes
    const at = this.pos
    let value: number
    switch (minor) {
      case 24:
        this.need(1, start)
        value = bytes[at]!
        this.pos = at + 1
        break
      case 25:
        this.need(2, start)
        value = (bytes[at]! << 8) | bytes[at + 1]!
        this.pos = at + 2
        break
      case 26:
        this.need(4, start)
        value = readUint32(bytes, at)
        this.pos = at + 4
        break
      case 27:
        this.need(8, start)
        this.high = readUint32(bytes, at)
        this.low = readUint32(bytes, at + 4)
        // Beyond 2^53 this is approximate: the integer cases rebuild the exact value from
        // the halves, and a length that large exceeds any input anyway.
        value = this.high * 2 ** 32 + this.low
        this.pos = at + 8
        break
      default:
        return this.fail('malformed', `reserved additional information ${minor} at byte ${start}`)
    }
    if (value < MIN_ARGUMENT[minor - 24]!) {
      this.fail('non-canonical', `${MAJOR_NAMES[major]} argument ${value} at byte ${start} is not in its shortest form`)
    }
    return value
  }

  private need(count: number, start: number): void {
    const left = this.bytes.length - this.pos
    if (count > left) this.fail('malformed', `value at byte ${start} needs ${count} more bytes but ${left} remain`)
  }

  private byteString(length: number, start: number): Uint8Array {
    this.need(length, start)
    const from = this.pos
    this.pos = from + length
    return this.bytes.slice(from, from + length)
  }

  private text(length: number, start: number): string {
    const bytes = this.bytes
    this.need(length, start)
    const from = this.pos
    const end = from + length
    this.pos = end
    if (length <= SHORT_TEXT) {
      const codes = shortCodes[length]!
      for (let i = from; i < end; i++) {
        const byte = bytes[i]!
        if (byte >= 0x80) return this.utf8(from, end, start)
        codes[i - from] = byte
      }
      return String.fromCharCode.apply(null, codes)
    }
    return this.utf8(from, end, start)
  }

  /** A map key: text, checked as any text is. */
  private key(start: number): string {
    const minor = this.bytes[start]! & 0x1f
    this.pos = start + 1
    if (minor === INDEFINITE) this.fail('indefinite-length', `indefinite-length text at byte ${start}`)
    const length = minor < 24 ? minor : this.argument(minor, MAJOR_TEXT, start)
    return this.cachedText(length, start, true)
  }

  /** Text of `length` bytes at the current position; short text comes from the cache (textCache.ts). */
  private cachedText(length: number, start: number, asKey: boolean): string {
    if (length > MAX_CACHED_TEXT_BYTES) return this.text(length, start)
    this.need(length, start)
    const from = this.pos
    const slot = textSlot(this.bytes, from, from + length)
    const known = cachedText(slot, this.bytes, from, from + length, asKey)
    if (known !== undefined) {
      this.pos = from + length
      return known
    }
    return rememberText(slot, this.bytes, from, from + length, this.text(length, start))
  }

  private utf8(from: number, end: number, start: number): string {
    const bytes = this.bytes
    const text = bytes.subarray(from, end)
    if (end - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) {
      this.fail('unsupported-value', `text at byte ${start} starts with U+FEFF, which the decoder would drop`)
    }
    if (!isUtf8(text)) this.fail('malformed', `text at byte ${start} is not valid UTF-8`)
    return textDecoder.decode(text)
  }

  private array(count: number, depth: number, start: number): unknown[] {
    // Every item takes at least one byte: refuse absurd counts before looping on them.
    if (count > this.bytes.length - this.pos) this.fail('malformed', `array at byte ${start} declares ${count} items, more than the bytes left`)
    if (depth >= MAX_NESTING) this.fail('unsupported-value', `array at byte ${start} is nested deeper than ${MAX_NESTING} levels`)
    const array: unknown[] = []
    for (let i = 0; i < count; i++) array.push(this.item(depth + 1))
    return array
  }

  private map(count: number, depth: number, start: number): Record<string, unknown> {
    const bytes = this.bytes
    if (count * 2 > bytes.length - this.pos) this.fail('malformed', `map at byte ${start} declares ${count} entries, more than the bytes left`)
    if (depth >= MAX_NESTING) this.fail('unsupported-value', `map at byte ${start} is nested deeper than ${MAX_NESTING} levels`)
    const map: Record<string, unknown> = {}
    let previousStart = -1
    let previousEnd = -1
    for (let i = 0; i < count; i++) {
      const keyStart = this.pos
      if (keyStart >= bytes.length) this.fail('malformed', `input ends at byte ${keyStart} where a map key was expected`)
      if (bytes[keyStart]! >> 5 !== MAJOR_TEXT) this.fail('unsupported-value', `map key at byte ${keyStart} is not text`)
      const key = this.key(keyStart)
      const keyEnd = this.pos
      if (previousStart >= 0) {
        const order = compareRanges(bytes, previousStart, previousEnd, keyStart, keyEnd)
        if (order === 0) this.fail('duplicate-key', `map at byte ${start} repeats the key at byte ${keyStart}`)
        if (order > 0) this.fail('non-canonical', `map at byte ${start} has its key at byte ${keyStart} out of order`)
      }
      previousStart = keyStart
      previousEnd = keyEnd
      const value = this.item(depth + 1)
      // A plain assignment would set the prototype instead of adding an own property.
      if (key === '__proto__') Object.defineProperty(map, key, { value, configurable: true, enumerable: true, writable: true })
      else map[key] = value
    }
    return map
  }

  private simpleOrFloat(minor: number, start: number): unknown {
    const bytes = this.bytes
    const at = this.pos
    switch (minor) {
      case 20:
        return false
      case 21:
        return true
      case 22:
        return null
      case 23:
        return this.fail('unsupported-value', `undefined at byte ${start}`)
      case 24:
        this.need(1, start)
        return this.fail('unsupported-value', `simple value ${bytes[at]} at byte ${start}`)
      case 25:
        this.need(2, start)
        this.pos = at + 2
        return this.float(halfToNumber((bytes[at]! << 8) | bytes[at + 1]!), 2, start)
      case 26:
        this.need(4, start)
        this.pos = at + 4
        floatScratch.setUint32(0, readUint32(bytes, at))
        return this.float(floatScratch.getFloat32(0), 4, start)
      case 27:
        this.need(8, start)
        this.pos = at + 8
        floatScratch.setUint32(0, readUint32(bytes, at))
        floatScratch.setUint32(4, readUint32(bytes, at + 4))
        return this.float(floatScratch.getFloat64(0), 8, start)
      case INDEFINITE:
        return this.fail('malformed', `"break" at byte ${start} outside an indefinite-length item`)
      default:
        if (minor < 20) this.fail('unsupported-value', `simple value ${minor} at byte ${start}`)
        return this.fail('malformed', `reserved additional information ${minor} at byte ${start}`)
    }
  }

  private float(value: number, width: 2 | 4 | 8, start: number): number {
    if (!Number.isFinite(value)) this.fail('unsupported-value', `${value} at byte ${start}`)
    if (Number.isSafeInteger(value)) {
      this.fail('non-canonical', `float at byte ${start} holds the integer ${Object.is(value, -0) ? '-0' : value}, which is written as an integer`)
    }
    const canonicalWidth = floatWidth(value)
    if (canonicalWidth !== width) {
      this.fail('non-canonical', `float ${value} at byte ${start} takes ${width} bytes where its canonical form takes ${canonicalWidth}`)
    }
    return value
  }
}

const readUint32 = (bytes: Uint8Array, at: number): number =>
  bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)

/** Bytewise lexicographic order, a proper prefix first (RFC 8949 §4.2.1). */
const compareRanges = (bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number => {
  const aLength = aEnd - aStart
  const bLength = bEnd - bStart
  const common = Math.min(aLength, bLength)
  for (let i = 0; i < common; i++) {
    const difference = bytes[aStart + i]! - bytes[bStart + i]!
    if (difference !== 0) return difference
  }
  return aLength - bLength
}
