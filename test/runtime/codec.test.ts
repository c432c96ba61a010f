import { fc, test } from '@fast-check/vitest'
import { decode, encode, rfc8949EncodeOptions } from 'cborg'
import type { DecodeOptions } from 'cborg'
import { Either } from 'effect'
import { describe, expect } from 'vitest'
import { decodeStrict, encodeCanonical } from '../../src/runtime/codec/cbor.ts'
import { MAX_NESTING } from '../../src/runtime/codec/limits.ts'
import type { DecodeFailure } from '../../src/runtime/codec/errors.ts'
import { DecodeError, EncodeError } from '../../src/runtime/codec/errors.ts'

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0

// cborg's decoder drops a leading U+FEFF, so such text is refused on both sides, and a lone
// surrogate becomes U+FFFD (both tested below).
const text = (maxLength: number) =>
  fc
    .oneof(fc.string({ maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ unit: 'binary', maxLength }))
    .filter((s) => !s.startsWith('\uFEFF') && !/\p{Cs}/u.test(s))

// Integer-like keys ("10", "2") are the ones JS objects reorder ahead of the others.
const key = fc.oneof(text(12), fc.nat({ max: 1000 }).map(String), fc.constantFrom('', 'a', 'aa', 'b', '10', '2', 'constructor'))

const boundaryInts = [0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER].flatMap((n) => [n, -n - 1])
const integer = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(...boundaryInts))
// Beyond the safe range integers travel as bigint; within it they come back as numbers.
const wideInteger = fc.oneof(
  fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 64n), max: BigInt(Number.MIN_SAFE_INTEGER) - 1n }),
)
const float = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x))
const bytes = fc.oneof(fc.uint8Array({ maxLength: 30 }), fc.uint8Array({ minLength: 250, maxLength: 300 }))

const { value: encodable } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false),
    integer,
    wideInteger,
    float,
    text(40),
    bytes,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(key, tie('value'), { maxKeys: 30 }),
  ),
}))

/** cborg's strict decoder, as the codec configured it before the decoder was hand-written. */
const CBORG_STRICT: DecodeOptions = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  useMaps: false,
}

/**
 * The oracle, from cborg alone: bytes are canonical exactly when cborg's strict decoder
 * takes them and its RFC 8949 encoder writes their value back identically.
 */
const cborgCanonical = (bytes: Uint8Array): { readonly value: unknown } | undefined => {
  try {
    const value = decode(bytes, CBORG_STRICT)
    return sameBytes(encode(value, rfc8949EncodeOptions), bytes) ? { value } : undefined
  } catch {
    return undefined
  }
}

/** Bytes are accepted exactly when the oracle finds them canonical, and then decode to its value. */
const expectAcceptedIffCanonical = (input: Uint8Array): void => {
  const result = decodeStrict(input, Number.POSITIVE_INFINITY)
  const canonical = cborgCanonical(input)
  expect(Either.isRight(result), `${toHex(input)} accepted: ${Either.isRight(result)}, canonical: ${canonical !== undefined}`).toBe(canonical !== undefined)
  if (Either.isRight(result)) {
    expect(result.right).toEqual(canonical?.value)
    expect(toHex(encodeCanonical(result.right))).toBe(toHex(input))
  }
}

const expectRefused = (input: Uint8Array, reason: DecodeFailure): DecodeError => {
  const result = decodeStrict(input, Number.POSITIVE_INFINITY)
  if (Either.isRight(result)) throw new Error(`${toHex(input)} was accepted as ${String(result.right)}`)
  expect(result.left).toBeInstanceOf(DecodeError)
  expect({ reason: result.left.reason, size: result.left.size }).toEqual({ reason, size: input.length })
  return result.left
}

describe('encodeCanonical / decodeStrict round trip', () => {
  test.prop([encodable], { numRuns: 500 })('decodes back to the value it encoded', (value) => {
    const result = decodeStrict(encodeCanonical(value), Number.POSITIVE_INFINITY)
    expect(Either.getOrThrow(result)).toEqual(value)
  })

  test.prop([encodable], { numRuns: 500 })('writes what cborg writes, and re-encodes identically', (value) => {
    const bytes = encodeCanonical(value)
    expect(toHex(bytes)).toBe(toHex(encode(value, rfc8949EncodeOptions)))
    // cborg's default key order (what the codec used before it was hand-written) agrees for text keys.
    expect(toHex(bytes)).toBe(toHex(encode(value)))
    expect(toHex(encodeCanonical(decode(bytes)))).toBe(toHex(bytes))
  })

  test.prop([fc.dictionary(key, integer, { minKeys: 2, maxKeys: 30 }), fc.infiniteStream(fc.nat())])('map bytes do not depend on key insertion order', (map, seeds) => {
    const keys = Object.keys(map)
    const shuffled = keys.map((k) => [k, seeds.next().value as number] as const).sort((a, b) => a[1] - b[1])
    const reordered = Object.fromEntries(shuffled.map(([k]) => [k, map[k]]))
    expect(toHex(encodeCanonical(reordered))).toBe(toHex(encodeCanonical(map)))
  })

  test('orders keys bytewise by their encoding: shorter first, integer-like keys included', () => {
    expect(toHex(encodeCanonical({ b: 1, aa: 2, '10': 3, '2': 4, a: 5 }))).toBe('a5 613204 616105 616201 62313003 62616102'.replace(/ /g, ''))
  })

  test('keeps an own "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown
    const decoded = Either.getOrThrow(decodeStrict(encodeCanonical(value), 100)) as Record<string, unknown>
    expect(Object.keys(decoded)).toEqual(['a', '__proto__'])
    expect(decoded['__proto__']).toEqual({ polluted: true })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('normalizes values with a single canonical form', () => {
    expect(toHex(encodeCanonical(-0))).toBe('00')
    expect(toHex(encodeCanonical(5n))).toBe('05')
    expect(toHex(encodeCanonical(2n ** 64n - 1n))).toBe('1bffffffffffffffff')
    expect(toHex(encodeCanonical(-(2n ** 64n)))).toBe('3bffffffffffffffff')
    expect(toHex(encodeCanonical(1.5))).toBe('f93e00')
    expect(toHex(encodeCanonical(2 ** 53))).toBe('fa5a000000')
    expect(toHex(encodeCanonical(Number.MAX_SAFE_INTEGER))).toBe('1b001fffffffffffff')
    expect(encodeCanonical(new Int16Array([1]))).toEqual(Uint8Array.of(0x42, 1, 0))
    expect(Either.getOrThrow(decodeStrict(fromHex('42 0100'), 10))).toEqual(Uint8Array.of(1, 0))
  })

  test('writes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    expect(Either.getOrThrow(decodeStrict(encodeCanonical('a\uD800b'), 100))).toBe('a\uFFFDb')
  })

  test('returns plain Uint8Arrays, not views of a shared Buffer pool', () => {
    for (const value of ['x', 'x'.repeat(200), { list: Array.from({ length: 100 }, (_, i) => i) }, { fragment: new Uint8Array(100_000) }]) {
      const bytes = encodeCanonical(value)
      expect(bytes.constructor).toBe(Uint8Array)
      expect({ offset: bytes.byteOffset, size: bytes.buffer.byteLength }).toEqual({ offset: 0, size: bytes.length })
    }
  })
})

describe('encodeCanonical refuses values without a canonical form', () => {
  const refused: ReadonlyArray<readonly [string, unknown]> = [
    ['undefined', undefined],
    ['an undefined field', { a: 1, b: undefined }],
    ['undefined in an array', [1, undefined]],
    ['a hole in an array', [1, , 3]],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', { x: [-Infinity] }],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint of 65 bits', 2n ** 64n],
    ['a negative bigint of 65 bits', -(2n ** 64n) - 1n],
    ['text starting with U+FEFF', '\uFEFFhello'],
    ['a map with non-text keys', new Map([[1, 'one']])],
    ['a circular structure', (() => { const a: unknown[] = []; a.push(a); return a })()],
    ['nesting deeper than the limit', Array.from({ length: MAX_NESTING }).reduce<unknown>((inner) => [inner], [])],
  ]
  for (const [name, value] of refused) {
    test(name, () => {
      expect(() => encodeCanonical(value)).toThrow(EncodeError)
    })
  }

  test('with a one-line message naming the problem', () => {
    const error = (() => { try { encodeCanonical({ a: NaN }) } catch (e) { return e } })()
    expect(error).toBeInstanceOf(EncodeError)
    expect((error as EncodeError).message).toMatch(/^cannot encode value: NaN at byte 3/)
  })
})

describe('decodeStrict refuses non-canonical and unsupported bytes with the right reason', () => {
  const cases: ReadonlyArray<readonly [string, string, DecodeFailure]> = [
    ['23 in a 1-byte argument', '1817', 'non-canonical'],
    ['255 in a 2-byte argument', '1900ff', 'non-canonical'],
    ['65535 in a 4-byte argument', '1a0000ffff', 'non-canonical'],
    ['2^32-1 in an 8-byte argument', '1b00000000ffffffff', 'non-canonical'],
    ['-24 in a 1-byte argument', '3817', 'non-canonical'],
    ['text length 1 in a 1-byte argument', '780161', 'non-canonical'],
    ['byte string length 1 in a 2-byte argument', '59000100', 'non-canonical'],
    ['array length 1 in a 1-byte argument', '980101', 'non-canonical'],
    ['map length 1 in a 1-byte argument', 'b801616101', 'non-canonical'],
    ['keys out of bytewise order', 'a2 616201 616102', 'non-canonical'],
    ['a longer key before a shorter one', 'a2 62616101 616202', 'non-canonical'],
    ['an integer-like key sorted as JS orders it', 'a2 62313001 613202', 'non-canonical'],
    ['a duplicate key', 'a2 616101 616102', 'duplicate-key'],
    ['an indefinite-length array', '9f01ff', 'indefinite-length'],
    ['an indefinite-length map', 'bf616101ff', 'indefinite-length'],
    ['an indefinite-length text', '7f6161ff', 'indefinite-length'],
    ['an indefinite-length byte string', '5f4100ff', 'indefinite-length'],
    ['1.5 as float64', 'fb3ff8000000000000', 'non-canonical'],
    ['1.5 as float32', 'fa3fc00000', 'non-canonical'],
    ['1.0 as a float', 'f93c00', 'non-canonical'],
    ['-0.0 as a float', 'f98000', 'non-canonical'],
    ['100000.5 as float64', 'fb40f86a0800000000', 'non-canonical'],
    ['NaN', 'f97e00', 'unsupported-value'],
    ['NaN as float64', 'fb7ff8000000000000', 'unsupported-value'],
    ['Infinity', 'f97c00', 'unsupported-value'],
    ['-Infinity as float32', 'faff800000', 'unsupported-value'],
    ['undefined', 'f7', 'unsupported-value'],
    ['a simple value', 'f0', 'unsupported-value'],
    ['a two-byte simple value', 'f820', 'unsupported-value'],
    ['a tag', 'c11a514b67b0', 'unsupported-value'],
    ['an integer map key', 'a10102', 'unsupported-value'],
    ['text starting with U+FEFF', '63efbbbf', 'unsupported-value'],
    ['trailing bytes', '0101', 'malformed'],
    ['no bytes at all', '', 'malformed'],
    ['truncated text', '626162'.slice(0, 4), 'malformed'],
    ['truncated argument', '19ff', 'malformed'],
    ['an array missing items', '830102', 'malformed'],
    ['a huge declared length', '5bffffffffffffffff00', 'malformed'],
    ['a map missing a value', 'a1616101a0'.slice(0, 6), 'malformed'],
    ['invalid UTF-8', '62c328', 'malformed'],
    ['UTF-8 for a surrogate', '63eda080', 'malformed'],
    ['an overlong UTF-8 sequence', '62c0af', 'malformed'],
    ['reserved additional information', '1c', 'malformed'],
    ['a stray break', 'ff', 'malformed'],
  ]
  for (const [name, hex, reason] of cases) {
    test(`${name} → ${reason}`, () => {
      expectRefused(fromHex(hex), reason)
    })
  }

  test('bytes over the limit → oversize, before looking at them', () => {
    const bytes = encodeCanonical({ a: 'x'.repeat(100) })
    expect(Either.isRight(decodeStrict(bytes, bytes.length))).toBe(true)
    expectRefused(fromHex('ff'.repeat(10)), 'malformed')
    const result = decodeStrict(fromHex('ff'.repeat(10)), 9)
    expect(Either.isLeft(result) && result.left.reason).toBe('oversize')
  })

  test(`nesting: ${MAX_NESTING} levels accepted, one more refused`, () => {
    const nested = (levels: number) => fromHex('81'.repeat(levels) + '01')
    expect(Either.isRight(decodeStrict(nested(MAX_NESTING), 10_000))).toBe(true)
    expectRefused(nested(MAX_NESTING + 1), 'unsupported-value')
    expectRefused(fromHex('a1616'.concat('1') + 'a16161'.repeat(MAX_NESTING) + '01'), 'unsupported-value')
  })

  test('a 100k-deep nesting is refused without overflowing the stack', () => {
    expectRefused(fromHex('81'.repeat(100_000) + '01'), 'unsupported-value')
  })

  test('the error message is one line that names size, reason and place', () => {
    const error = expectRefused(fromHex('a2 616101 616102'), 'duplicate-key')
    expect(error.message).toBe('cannot decode 7 bytes (duplicate-key): map at byte 0 repeats the key at byte 4')
  })
})

describe('floats are accepted exactly in the form the encoder writes', () => {
  test('every half-precision bit pattern', () => {
    for (let half = 0; half < 0x10000; half++) expectAcceptedIffCanonical(Uint8Array.of(0xf9, half >> 8, half & 0xff))
  })

  test('half-precision subnormals follow the encoder: powers of two stay half, others are written as float32', () => {
    expect(toHex(encodeCanonical(2 ** -24))).toBe('f90001')
    expect(toHex(encodeCanonical(3 * 2 ** -24))).toBe('fa34400000')
    expectRefused(fromHex('f90003'), 'non-canonical')
  })

  test.prop([fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 5000 })('float32 bit patterns', (bits) => {
    const input = new Uint8Array(5)
    input[0] = 0xfa
    new DataView(input.buffer).setUint32(1, bits)
    expectAcceptedIffCanonical(input)
  })

  test.prop([fc.double(), fc.constantFrom(4, 8)], { numRuns: 5000 })('float64 values in every width', (value, width) => {
    const input = new Uint8Array(width + 1)
    const view = new DataView(input.buffer)
    input[0] = width === 4 ? 0xfa : 0xfb
    if (width === 4) view.setFloat32(1, value)
    else view.setFloat64(1, value)
    expectAcceptedIffCanonical(input)
  })
})

type Mutation =
  | { readonly type: 'flip'; readonly at: number; readonly bit: number }
  | { readonly type: 'set'; readonly at: number; readonly byte: number }
  | { readonly type: 'insert'; readonly at: number; readonly insert: Uint8Array }
  | { readonly type: 'truncate'; readonly at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ type: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ type: fc.constant('set' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ type: fc.constant('insert' as const), at: fc.nat(), insert: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({ type: fc.constant('truncate' as const), at: fc.nat() }),
)

const mutate = (input: Uint8Array, change: Mutation): Uint8Array => {
  const at = input.length === 0 ? 0 : change.at % (input.length + (change.type === 'insert' ? 1 : 0))
  switch (change.type) {
    case 'flip': {
      const out = input.slice()
      if (out.length > 0) out[at] = out[at]! ^ (1 << change.bit)
      return out
    }
    case 'set': {
      const out = input.slice()
      if (out.length > 0) out[at] = change.byte
      return out
    }
    case 'insert':
      return Uint8Array.from([...input.subarray(0, at), ...change.insert, ...input.subarray(at)])
    case 'truncate':
      return input.subarray(0, at)
  }
}

describe('hostile bytes', () => {
  test.prop([encodable, fc.array(mutation, { minLength: 1, maxLength: 3 })], { numRuns: 3000 })(
    'mutated encodings never throw, and are accepted only when canonical',
    (value, changes) => {
      const input = changes.reduce(mutate, encodeCanonical(value))
      expectAcceptedIffCanonical(input)
    },
  )

  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 5000 })('random bytes never throw, and are accepted only when canonical', (input) => {
    expectAcceptedIffCanonical(input)
  })

  test.prop([fc.array(fc.constantFrom(...[0x00, 0x18, 0x19, 0x1a, 0x1b, 0x38, 0x41, 0x5f, 0x61, 0x78, 0x81, 0x9f, 0xa1, 0xbf, 0xf4, 0xf7, 0xf9, 0xfa, 0xfb, 0xff, 0xef, 0xbb, 0x80, 0xc3]), { maxLength: 24 })], { numRuns: 5000 })(
    'bytes built from CBOR initial bytes never throw, and are accepted only when canonical',
    (input) => {
      expectAcceptedIffCanonical(Uint8Array.from(input))
    },
  )
})
