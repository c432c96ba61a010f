import { decode, encode, rfc8949EncodeOptions } from 'cborg'
import { Either } from 'effect'
import { describe, expect, test } from 'vitest'
import { decodeStrict, encodeCanonical } from '../../src/runtime/codec/cbor.ts'

/** What the hand-written decoder gives that the property tests in codec.test.ts reach only by chance. */

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
const accepted = (bytes: Uint8Array): unknown => Either.getOrThrow(decodeStrict(bytes, Number.POSITIVE_INFINITY))

describe('decoded values are the ones cborg gives', () => {
  const integers: ReadonlyArray<readonly [string, number | bigint]> = [
    ['1b001fffffffffffff', Number.MAX_SAFE_INTEGER],
    ['1b0020000000000000', 2n ** 53n],
    ['1bffffffffffffffff', 2n ** 64n - 1n],
    ['3b001ffffffffffffe', Number.MIN_SAFE_INTEGER],
    ['3b001fffffffffffff', -(2n ** 53n)],
    ['3bffffffffffffffff', -(2n ** 64n)],
    ['3a ffffffff', -(2 ** 32)],
  ]
  for (const [hex, value] of integers) {
    test(`${hex} → ${typeof value} ${value}`, () => {
      expect(accepted(fromHex(hex))).toBe(value)
      expect(decode(fromHex(hex))).toBe(value)
    })
  }

  test('byte strings are copies, never views of the input, even when it is a Buffer', () => {
    const input = Buffer.from(encodeCanonical({ data: Uint8Array.of(1, 2, 3) }))
    const { data } = accepted(input) as { data: Uint8Array }
    input.fill(0)
    expect(data.constructor).toBe(Uint8Array)
    expect(data).toEqual(Uint8Array.of(1, 2, 3))
  })

  test('a view into a larger buffer decodes alone', () => {
    const bytes = encodeCanonical({ a: [1, 'two'] })
    const backing = new Uint8Array(bytes.length + 6).fill(0xff)
    backing.set(bytes, 3)
    expect(accepted(backing.subarray(3, 3 + bytes.length))).toEqual({ a: [1, 'two'] })
  })
})

describe('map keys', () => {
  // Short keys come from a cache indexed by a hash of their bytes: more keys than it has
  // slots force collisions and replacements.
  test('more distinct keys than the key cache holds, decoded twice, come out as cborg decodes them', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i.toString(36)}`, i]))
    const bytes = encode(wide, rfc8949EncodeOptions)
    expect(accepted(bytes)).toEqual(decode(bytes))
    expect(accepted(bytes)).toEqual(wide)
  })

  test('keys around the cached length, ASCII or not, decode as cborg decodes them', () => {
    for (const length of [31, 32, 33]) {
      for (const char of ['a', 'é', '€']) {
        const key = char.repeat(Math.ceil(length / Buffer.byteLength(char)))
        const bytes = encodeCanonical({ [key]: 1, x: { [key]: 2 } })
        expect(accepted(bytes)).toEqual(decode(bytes))
        expect(accepted(bytes)).toEqual({ [key]: 1, x: { [key]: 2 } })
      }
    }
  })

  test('a key that is not canonical is refused even after the same text was cached as a key', () => {
    expect(accepted(fromHex('a1 6161 01'))).toEqual({ a: 1 })
    expect(Either.isLeft(decodeStrict(fromHex('a1 7801 61 01'), 100))).toBe(true)
  })

  test('"__proto__" stays an own key every time it is decoded', () => {
    const bytes = fromHex('a1 695f5f70726f746f5f5f 01')
    for (let i = 0; i < 3; i++) {
      const decoded = accepted(bytes) as Record<string, unknown>
      expect(Object.keys(decoded)).toEqual(['__proto__'])
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    }
  })
})
