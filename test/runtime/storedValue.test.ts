import { fc, test } from '@fast-check/vitest'
import { crc32 } from 'node:zlib'
import { Either } from 'effect'
import { describe, expect } from 'vitest'
import { StoreCorruption } from '../../src/runtime/codec/errors.ts'
import { decodeStored, encodeStored } from '../../src/runtime/codec/storedValue.ts'

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

const { value: storable } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.startsWith('\uFEFF')),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 8 }),
  ),
}))

const expectCorrupted = (bytes: Uint8Array): StoreCorruption => {
  const result = decodeStored(bytes)
  if (Either.isRight(result)) throw new Error(`${toHex(bytes)} was accepted`)
  expect(result.left).toBeInstanceOf(StoreCorruption)
  return result.left
}

describe('stored values', () => {
  test.prop([storable], { numRuns: 300 })('read back as written', (value) => {
    expect(Either.getOrThrow(decodeStored(encodeStored(value)))).toEqual(value)
  })

  test('read back as written with byte strings large enough to be copied into place only when taken (see cborWriter.ts)', () => {
    const value = { blocks: [new Uint8Array(70_000).fill(1), new Uint8Array(200_000).fill(2)], after: 'tail' }
    expect(Either.getOrThrow(decodeStored(encodeStored(value)))).toEqual(value)
  })

  test('keep a stable format: canonical CBOR then a big-endian CRC-32 of it', () => {
    expect(toHex(encodeStored(1))).toBe('01a505df1b')
    expect(toHex(encodeStored({ abc: true }))).toBe('a163616263f5f6dedfaa')
  })

  test.prop([storable, fc.nat(), fc.nat({ max: 7 })], { numRuns: 1000 })('any single flipped bit is detected', (value, at, bit) => {
    const bytes = encodeStored(value).slice()
    const index = at % bytes.length
    bytes[index] = bytes[index]! ^ (1 << bit)
    expectCorrupted(bytes)
  })

  test.prop([storable, fc.nat()], { numRuns: 500 })('a truncated value is detected', (value, at) => {
    const bytes = encodeStored(value)
    expectCorrupted(bytes.subarray(0, at % bytes.length))
  })

  test('inputs too short to hold a checksum are refused', () => {
    for (let length = 0; length <= 4; length++) expectCorrupted(new Uint8Array(length))
  })

  test('a correct checksum over non-canonical CBOR is still refused, with the reason', () => {
    const payload = Uint8Array.from(Buffer.from('a2616201616102', 'hex'))
    const bytes = new Uint8Array(payload.length + 4)
    bytes.set(payload)
    new DataView(bytes.buffer).setUint32(payload.length, crc32(payload))
    expect(expectCorrupted(bytes).detail).toMatch(/non-canonical.*out of order/)
  })

  test('works on a view into a larger buffer', () => {
    const stored = encodeStored({ a: [1, 2, 3] })
    const backing = new Uint8Array(stored.length + 10)
    backing.set(stored, 7)
    expect(Either.getOrThrow(decodeStored(backing.subarray(7, 7 + stored.length)))).toEqual({ a: [1, 2, 3] })
  })

  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 2000 })('never throws on arbitrary bytes', (bytes) => {
    expect(() => decodeStored(bytes)).not.toThrow()
  })
})
