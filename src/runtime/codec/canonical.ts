import { isUtf8 } from 'node:buffer'
import type { DecodeFailure } from './errors.ts'

/**
 * A check of RFC 8949 §4.2.1 core deterministic encoding, restricted to the data model
 * strata speaks (maps with text keys, arrays, text, bytes, integers, floats, booleans,
 * null). cborg's strict decoder checks integer and length widths but cannot check key
 * order or float width, and it quietly accepts bytes it would never write; this scanner
 * runs before it on every delivered message so that whatever is accepted re-encodes to
 * exactly the same bytes.
 *
 * Where the RFC leaves room, the rule is "what our encoder (cborg) writes":
 *  - a float holding an integer in the safe range (or -0) must be written as an integer,
 *    because that is how a JS number with that value is encoded;
 *  - cborg writes a half-precision subnormal with more than one significant bit as
 *    float32 (it keeps only the leading bit when it tries half precision), so that is the
 *    canonical form here and the 2-byte form is refused;
 *  - text must be valid UTF-8 and may not start with U+FEFF, which cborg's TextDecoder
 *    would silently drop.
 */
export interface CanonicalViolation {
  readonly reason: DecodeFailure
  readonly detail: string
}

/**
 * Deeper nesting is refused: it protects the stack of this scanner and of cborg's
 * recursive decoder, and no strata message comes close.
 */
export const MAX_NESTING = 256

export const checkCanonical = (bytes: Uint8Array): CanonicalViolation | undefined => {
  const scanner = new Scanner(bytes)
  try {
    if (bytes.length === 0) scanner.fail('malformed', 'no bytes')
    scanner.item(0)
    if (scanner.pos !== bytes.length) scanner.fail('malformed', `${bytes.length - scanner.pos} trailing bytes after the value`)
    return undefined
  } catch (error) {
    if (error instanceof Violation) return error
    throw error
  }
}

// Thrown only inside the scanner: the accepted path pays nothing for error handling.
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

const floatScratch = new DataView(new ArrayBuffer(8))

class Scanner {
  pos = 0

  constructor(private readonly bytes: Uint8Array) {}

  fail(reason: DecodeFailure, detail: string): never {
    throw new Violation(reason, detail)
  }

  item(depth: number): void {
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
    const argument = this.argument(minor, major, start)
    switch (major) {
      case MAJOR_UNSIGNED:
      case MAJOR_NEGATIVE:
        return
      case MAJOR_BYTES:
        this.need(argument, start)
        this.pos += argument
        return
      case MAJOR_TEXT:
        this.text(argument, start)
        return
      case MAJOR_ARRAY:
        this.array(argument, depth, start)
        return
      default:
        this.map(argument, depth, start)
    }
  }

  /** Reads the argument of an initial byte and insists on its shortest form. */
  private argument(minor: number, major: number, start: number): number {
    if (minor < 24) return minor
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
        // Beyond 2^53 this is approximate, which is fine: a length that large exceeds any input.
        value = readUint32(bytes, at) * 2 ** 32 + readUint32(bytes, at + 4)
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

  private text(length: number, start: number): void {
    const bytes = this.bytes
    this.need(length, start)
    const from = this.pos
    const end = from + length
    if (length >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) {
      this.fail('unsupported-value', `text at byte ${start} starts with U+FEFF, which the decoder would drop`)
    }
    for (let i = from; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        if (!isUtf8(bytes.subarray(i, end))) this.fail('malformed', `text at byte ${start} is not valid UTF-8`)
        break
      }
    }
    this.pos = end
  }

  private array(count: number, depth: number, start: number): void {
    // Every item takes at least one byte: refuse absurd counts before looping on them.
    if (count > this.bytes.length - this.pos) this.fail('malformed', `array at byte ${start} declares ${count} items, more than the bytes left`)
    if (depth >= MAX_NESTING) this.fail('unsupported-value', `array at byte ${start} is nested deeper than ${MAX_NESTING} levels`)
    for (let i = 0; i < count; i++) this.item(depth + 1)
  }

  private map(count: number, depth: number, start: number): void {
    const bytes = this.bytes
    if (count * 2 > bytes.length - this.pos) this.fail('malformed', `map at byte ${start} declares ${count} entries, more than the bytes left`)
    if (depth >= MAX_NESTING) this.fail('unsupported-value', `map at byte ${start} is nested deeper than ${MAX_NESTING} levels`)
    let previousStart = -1
    let previousEnd = -1
    for (let i = 0; i < count; i++) {
      const keyStart = this.pos
      if (keyStart >= bytes.length) this.fail('malformed', `input ends at byte ${keyStart} where a map key was expected`)
      if (bytes[keyStart]! >> 5 !== MAJOR_TEXT) this.fail('unsupported-value', `map key at byte ${keyStart} is not text`)
      this.item(depth + 1)
      const keyEnd = this.pos
      if (previousStart >= 0) {
        const order = compareRanges(bytes, previousStart, previousEnd, keyStart, keyEnd)
        if (order === 0) this.fail('duplicate-key', `map at byte ${start} repeats the key at byte ${keyStart}`)
        if (order > 0) this.fail('non-canonical', `map at byte ${start} has its key at byte ${keyStart} out of order`)
      }
      previousStart = keyStart
      previousEnd = keyEnd
      this.item(depth + 1)
    }
  }

  private simpleOrFloat(minor: number, start: number): void {
    const bytes = this.bytes
    const at = this.pos
    switch (minor) {
      case 20: // false
      case 21: // true
      case 22: // null
        return
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

  private float(value: number, width: 2 | 4 | 8, start: number): void {
    if (!Number.isFinite(value)) this.fail('unsupported-value', `${value} at byte ${start}`)
    if (Number.isSafeInteger(value)) {
      this.fail('non-canonical', `float at byte ${start} holds the integer ${Object.is(value, -0) ? '-0' : value}, which is written as an integer`)
    }
    const canonicalWidth = floatWidth(value)
    if (canonicalWidth !== width) {
      this.fail('non-canonical', `float ${value} at byte ${start} takes ${width} bytes where its canonical form takes ${canonicalWidth}`)
    }
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

const halfToNumber = (half: number): number => {
  const exponent = (half >> 10) & 0x1f
  const mantissa = half & 0x3ff
  const magnitude =
    exponent === 0 ? mantissa * 2 ** -24 : exponent === 31 ? (mantissa === 0 ? Infinity : NaN) : (mantissa + 1024) * 2 ** (exponent - 25)
  return half & 0x8000 ? -magnitude : magnitude
}

/** The width, in bytes after the initial byte, that cborg's encoder gives a finite non-integer number. */
const floatWidth = (value: number): 2 | 4 | 8 => {
  floatScratch.setFloat32(0, value)
  if (floatScratch.getFloat32(0) !== value) return 8
  const bits = floatScratch.getUint32(0)
  const exponent = ((bits >>> 23) & 0xff) - 127
  const mantissa = bits & 0x7fffff
  // A normal half has a 10-bit mantissa: the low 13 of float32's 23 must be zero.
  if (exponent >= -14 && exponent <= 15) return (mantissa & 0x1fff) === 0 ? 2 : 4
  // Half subnormals: cborg keeps only the leading bit, so only powers of two stay half.
  if (exponent >= -24 && exponent < -14) return mantissa === 0 ? 2 : 4
  return 4
}
