import { fc, test } from '@fast-check/vitest'
import { decode, encode, rfc8949EncodeOptions, Tagged } from 'cborg'
import type { DecodeOptions } from 'cborg'
import { describe, expect, vi } from 'vitest'
import { encodeCanonical } from '../../src/runtime/codec/cbor.ts'
import { EncodeError } from '../../src/runtime/codec/errors.ts'
import { MAX_NESTING } from '../../src/runtime/codec/limits.ts'

/**
 * The hand-written encoder against cborg, over everything a caller may hand it — not only
 * the plain data model: Maps, typed arrays, class instances, and the values that have no
 * canonical form. The previous codec was cborg's encoder followed by a canonical check, so
 * it refused exactly the values whose cborg encoding is not canonical.
 */

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0

const CBORG_STRICT: DecodeOptions = { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false, allowNaN: false, allowInfinity: false, useMaps: false }

/** What the previous, cborg-based codec wrote for `value`, or undefined where it refused it. */
const previousCodec = (value: unknown): Uint8Array | undefined => {
  let bytes: Uint8Array
  try {
    bytes = encode(value)
  } catch {
    return undefined
  }
  try {
    return sameBytes(encode(decode(bytes, CBORG_STRICT), rfc8949EncodeOptions), bytes) ? bytes : undefined
  } catch {
    return undefined
  }
}

const encodeOrError = (value: unknown): Uint8Array | EncodeError => {
  try {
    return encodeCanonical(value)
  } catch (error) {
    if (error instanceof EncodeError) return error
    throw error
  }
}

const detailOf = (value: unknown): string => {
  const result = encodeOrError(value)
  if (result instanceof EncodeError) return result.detail
  throw new Error(`encoded to ${toHex(result)}`)
}

class Point {
  constructor(
    readonly x: number,
    readonly y: unknown,
  ) {}
}

// Keys that JS reorders (integer-like), that need more than one UTF-8 byte, or that cannot
// be written (a leading U+FEFF, lone surrogates, which all become U+FFFD).
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('10', '2', 'é', '\uFEFF', '\uD800', '\uDFFF', '__proto__'))

const scalar = fc.oneof(
  fc.constantFrom(null, true, false, undefined, NaN, Infinity, -Infinity, -0, 2 ** 53, 65504, 2 ** -24, 3 * 2 ** -24, 1e300, 5e-324),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('\uFEFFbom', 'lone \uD800', '\uDC00'),
  fc.uint8Array({ maxLength: 30 }),
)

const exotic = fc.oneof(
  fc.int16Array({ maxLength: 4 }),
  fc.float64Array({ maxLength: 2 }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => bytes.buffer),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => new DataView(bytes.buffer, 1)),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(new Date(0), new Set([1]), /x/, new Error('e'), Symbol('s'), () => 1),
)

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    exotic,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((entries) => new Map(Object.entries(entries))),
    fc.array(fc.tuple(fc.oneof(key, fc.integer()), tie('value')), { maxLength: 3 }).map((entries) => new Map<unknown, unknown>(entries)),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((entries) => Object.assign(Object.create(null) as object, entries)),
    fc.tuple(fc.integer(), tie('value')).map(([x, y]) => new Point(x, y)),
  ),
}))

describe('the hand-written encoder against cborg', () => {
  test.prop([value], { numRuns: 3000 })('writes what cborg writes, and refuses exactly what the cborg-based codec refused', (input) => {
    // cborg warns on the console when two keys encode alike (both lone surrogates).
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const expected = previousCodec(input)
      const actual = encodeOrError(input)
      if (expected === undefined) {
        expect(actual).toBeInstanceOf(EncodeError)
      } else {
        expect(actual).toBeInstanceOf(Uint8Array)
        expect(toHex(actual as Uint8Array)).toBe(toHex(expected))
        expect(toHex(actual as Uint8Array)).toBe(toHex(encode(input, rfc8949EncodeOptions)))
      }
    } finally {
      warn.mockRestore()
    }
  })

  test('writes a Map with text keys as the object with those keys', () => {
    expect(toHex(encodeCanonical(new Map<string, unknown>([['b', 1], ['a', [2]]])))).toBe(toHex(encodeCanonical({ a: [2], b: 1 })))
  })

  test('writes typed arrays, DataView and ArrayBuffer as their bytes', () => {
    expect(toHex(encodeCanonical(new DataView(Uint8Array.of(1, 2, 3).buffer, 1)))).toBe('420203')
    expect(toHex(encodeCanonical(new ArrayBuffer(2)))).toBe('420000')
    expect(toHex(encodeCanonical(Buffer.from('hi')))).toBe('426869')
  })

  test('writes class instances and null-prototype objects as maps of their own keys', () => {
    expect(toHex(encodeCanonical(new Point(3, 'y')))).toBe('a261780361796179')
    expect(toHex(encodeCanonical(Object.assign(Object.create(null) as object, { b: 1, a: 2 })))).toBe('a2616102616201')
  })

  test('large byte strings and long text, around small values, come out as cborg writes them', () => {
    const big = (length: number, fill: number) => new Uint8Array(length).fill(fill)
    const values = [
      { a: big(70_000, 1), b: 'x', c: [big(65_536, 2), 5, big(100_000, 3)], d: 'y'.repeat(2_000_000) },
      'z'.repeat(20_000),
      { small: [1, 2, 3] },
      [big(65_535, 4), 'é'.repeat(40_000)],
    ]
    for (const input of values) expect(toHex(encodeCanonical(input))).toBe(toHex(encode(input, rfc8949EncodeOptions)))
  })

  test('orders the keys of more distinct key lists than its cache holds', () => {
    for (let i = 0; i < 3000; i++) {
      const input = { [`k${i}`]: 1, [String(i)]: 2, [`key-${i % 7}`]: 3, z: i }
      expect(toHex(encodeCanonical(input))).toBe(toHex(encode(input, rfc8949EncodeOptions)))
    }
  })

  test('an encode started by a getter in the middle of an encode gets its own buffer', () => {
    const inner = { n: [1, 2, 3] }
    let innerBytes: Uint8Array | undefined
    const outer = {
      a: 'before',
      get b() {
        innerBytes = encodeCanonical(inner)
        return 'after'
      },
    }
    expect(toHex(encodeCanonical(outer))).toBe(toHex(encodeCanonical({ a: 'before', b: 'after' })))
    expect(toHex(innerBytes!)).toBe(toHex(encodeCanonical(inner)))
  })
})

describe('refusals name the problem', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['a Date', new Date(0), 'unsupported type: Date'],
    ['a Set', new Set(), 'unsupported type: Set'],
    ['a RegExp', /x/, 'unsupported type: RegExp'],
    ['a function', () => 1, 'unsupported type: Function'],
    ['a symbol', Symbol('s'), 'unsupported type: symbol'],
    ['a bigint of 65 bits', 2n ** 64n, 'encountered BigInt larger than allowable range'],
    ['undefined in a map', { a: 1, b: undefined }, 'undefined at byte 6 (in the encoded bytes)'],
    ['-Infinity', [-Infinity], '-Infinity at byte 1 (in the encoded bytes)'],
    ['a key starting with U+FEFF', { k: { '\uFEFFx': 1 } }, 'text at byte 4 starts with U+FEFF, which the decoder would drop (in the encoded bytes)'],
    ['two keys that are one in UTF-8', { '\uD800': 1, '\uDBFF': 2 }, 'map at byte 0 repeats the key at byte 6 (in the encoded bytes)'],
    ['a cborg tag', new Tagged(1, 'x'), 'tag at byte 0: strata messages use no tags (in the encoded bytes)'],
    ['a Map with a key that is not text', new Map<unknown, unknown>([['b', 1], [2, 'x']]), 'map key at byte 1 is not text (in the encoded bytes)'],
    ['a problem after a large byte string, at its place in the output', { a: new Uint8Array(70_000), b: NaN }, 'NaN at byte 70010 (in the encoded bytes)'],
    ['a circular structure', (() => { const a: unknown[] = []; a.push(a); return a })(), 'object contains circular references'],
    ['a circular structure through a map', (() => { const a: Record<string, unknown> = { n: 1 }; a.self = [a]; return a })(), 'object contains circular references'],
    ['arrays nested too deep', Array.from({ length: MAX_NESTING }).reduce<unknown>((inner) => [inner], []), `array at byte ${MAX_NESTING} is nested deeper than ${MAX_NESTING} levels (in the encoded bytes)`],
    ['maps nested too deep', Array.from({ length: MAX_NESTING }).reduce<unknown>((inner) => ({ x: inner }), {}), `map at byte ${3 * MAX_NESTING} is nested deeper than ${MAX_NESTING} levels (in the encoded bytes)`],
    // The first problem in the order of the output is the one named (cborg named its own
    // refusals, such as unsupported types, before any other).
    ['the first of several problems', { a: undefined, b: Symbol('s') }, 'undefined at byte 3 (in the encoded bytes)'],
  ]
  for (const [name, input, detail] of cases) {
    test(name, () => {
      expect(detailOf(input)).toBe(detail)
    })
  }

  test(`${MAX_NESTING} levels of maps are written`, () => {
    const deepest = Array.from({ length: MAX_NESTING - 1 }).reduce<unknown>((inner) => ({ x: inner }), {})
    expect(toHex(encodeCanonical(deepest))).toBe(toHex(encode(deepest, rfc8949EncodeOptions)))
  })

  test('after a refusal the next value is written from a clean buffer', () => {
    expect(() => encodeCanonical({ a: 'x'.repeat(100), b: NaN })).toThrow(EncodeError)
    expect(toHex(encodeCanonical({ c: 1 }))).toBe('a1616301')
  })
})
