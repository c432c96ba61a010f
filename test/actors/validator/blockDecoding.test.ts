import { fc, test as propertyTest } from '@fast-check/vitest'
import { Either } from 'effect'
import { describe, expect, test } from 'vitest'
import { decodeBlockBytes, MAX_BLOCK_MESSAGE_BYTES, rememberBuiltBlock } from '../../../src/actors/validator/blockDecoding.ts'
import { blockIdOf, decodeBlock, type Block } from '../../../src/protocols/chain/block.ts'
import { decodeStrict, encodeCanonical } from '../../../src/runtime/codec/cbor.ts'
import { PROPERTY_SEED } from '../../support/propertySample.ts'
import { chainOf, validatorSet } from '../../protocols/chain/fixtures.ts'

/**
 * Blocks are decoded once per process and the Block shared: the memoized answer must be
 * what decoding the bytes gives, for any bytes.
 */

const direct = (bytes: Uint8Array): Block | undefined => {
  const value = decodeStrict(bytes, MAX_BLOCK_MESSAGE_BYTES)
  return Either.isLeft(value) ? undefined : Either.getOrUndefined(decodeBlock(value.right))
}

const set = validatorSet([10n, 20n, 30n, 40n])
/** Three heights of a chain whose kv writes carry `tag`, so chains with different tags differ in every block. */
const chainTagged = (tag: string): readonly Block[] =>
  chainOf(set, 3, (h) => [{ type: 'kv.set', key: `k${h}`, value: tag }]).blocks
const blocks = chainTagged('v')
const bytesOf = (block: Block): Uint8Array => encodeCanonical(block)

describe('decodeBlockBytes', () => {
  test('gives the block the bytes encode (with its last commit and signatures), and the same Block to every caller of the process', () => {
    for (const block of blocks) {
      const bytes = bytesOf(block)
      const decoded = decodeBlockBytes(bytes)
      expect(decoded).toEqual(block)
      expect(decoded).toEqual(direct(bytes))
      expect(blockIdOf(decoded!)).toBe(blockIdOf(block))
      // Equal bytes in another buffer: the same answer, shared.
      expect(decodeBlockBytes(bytes.slice())).toBe(decoded)
    }
  })

  test('a block the process built answers for its bytes, and is exactly what they decode to', () => {
    for (const block of chainTagged('built')) {
      const bytes = bytesOf(block)
      rememberBuiltBlock(bytes, block)
      expect(decodeBlockBytes(bytes.slice())).toBe(block)
      // What remembering relies on: no field the decoding would add, drop or convert.
      expect(direct(bytes)).toStrictEqual(block)
    }
  })

  test('bytes that differ in one place give their own block, not the remembered one', () => {
    // Same length, one character apart: both decode, to different blocks.
    const a = bytesOf(chainTagged('value-a')[1]!)
    const b = bytesOf(chainTagged('value-b')[1]!)
    expect(a.length).toBe(b.length)
    const decodedA = decodeBlockBytes(a)
    const decodedB = decodeBlockBytes(b)
    expect(decodedA).toEqual(direct(a))
    expect(decodedB).toEqual(direct(b))
    expect(decodedB!.txs[0]).toEqual({ type: 'kv.set', key: 'k2', value: 'value-b' })
    expect(decodedA!.txs[0]).toEqual({ type: 'kv.set', key: 'k2', value: 'value-a' })
  })

  test('bytes that differ from a remembered block in any one byte get the direct answer', () => {
    const block = chainTagged('one-byte')[2]!
    const bytes = bytesOf(block)
    for (const at of [0, 1, 2, 3, Math.floor(bytes.length / 2), bytes.length - 2, bytes.length - 1]) {
      expect(decodeBlockBytes(bytes)).toEqual(block)
      const changed = bytes.slice()
      changed[at] = (changed[at]! + 1) & 0xff
      expect(direct(changed)).not.toEqual(block)
      expect(decodeBlockBytes(changed)).toEqual(direct(changed))
    }
  })

  test('a buffer changed in place after decoding is decoded again', () => {
    const bytes = bytesOf(chainTagged('in-place-x')[0]!)
    const before = decodeBlockBytes(bytes)
    expect(before!.txs[0]).toMatchObject({ value: 'in-place-x' })
    const at = Buffer.from(bytes).indexOf('in-place-x') + 'in-place-'.length
    bytes[at] = 'y'.charCodeAt(0)
    const after = decodeBlockBytes(bytes)
    expect(after).toEqual(direct(bytes))
    expect(after!.txs[0]).toMatchObject({ value: 'in-place-y' })
    // A byte that breaks the encoding: refused, like the direct decoding.
    bytes[0] = 0xff
    expect(direct(bytes)).toBeUndefined()
    expect(decodeBlockBytes(bytes)).toBeUndefined()
  })

  test('a view into a larger buffer is decoded from its own bytes only', () => {
    const bytes = bytesOf(blocks[2]!)
    const backing = new Uint8Array(bytes.length + 10).fill(0xaa)
    backing.set(bytes, 5)
    const view = backing.subarray(5, 5 + bytes.length)
    expect(decodeBlockBytes(view)).toEqual(blocks[2])
    // A view one byte off is not the block.
    expect(decodeBlockBytes(backing.subarray(4, 4 + bytes.length))).toBeUndefined()
    expect(decodeBlockBytes(backing.subarray(5, 4 + bytes.length))).toBeUndefined()
  })

  test('refuses what is not a canonical block, every time it is asked', () => {
    const block = blocks[1]!
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0xff),
      encodeCanonical({ not: 'a block' }),
      encodeCanonical({ ...block, extra: 1 }),
      encodeCanonical({ ...block, header: { ...block.header, height: 0 } }),
      // Trailing garbage after a valid block.
      Uint8Array.from([...bytesOf(block), 0]),
      // Valid CBOR, not canonical: the same map with a longer-than-needed length.
      Uint8Array.of(0xb8, 0x00),
    ]
    for (const bytes of cases) {
      expect(direct(bytes)).toBeUndefined()
      expect(decodeBlockBytes(bytes)).toBeUndefined()
      expect(decodeBlockBytes(bytes)).toBeUndefined()
    }
    // The valid block is unaffected by the refusals around it.
    expect(decodeBlockBytes(bytesOf(block))).toEqual(block)
  })

  test('refuses a block over the message size limit', () => {
    const [huge] = chainOf(set, 1, () => [{ type: 'kv.set', key: 'k', value: 'x'.repeat(MAX_BLOCK_MESSAGE_BYTES) }]).blocks
    const bytes = bytesOf(huge!)
    expect(bytes.length).toBeGreaterThan(MAX_BLOCK_MESSAGE_BYTES)
    // Well formed apart from its size.
    expect(Either.getOrUndefined(decodeBlock(Either.getOrThrow(decodeStrict(bytes, 2 * MAX_BLOCK_MESSAGE_BYTES))))).toEqual(huge)
    expect(direct(bytes)).toBeUndefined()
    expect(decodeBlockBytes(bytes)).toBeUndefined()
  })

  test('keeps a bounded number of blocks, and answers correctly for any block after forgetting it', () => {
    const first = bytesOf(chainTagged('first')[0]!)
    const remembered = decodeBlockBytes(first)
    expect(decodeBlockBytes(first)).toBe(remembered)
    const many = Array.from({ length: 40 }, (_, i) => chainTagged(`other-${i}`)[0]!)
    for (const block of many) expect(decodeBlockBytes(bytesOf(block))).toEqual(block)
    // Forgotten (an equal, new object), still right.
    const again = decodeBlockBytes(first)
    expect(again).not.toBe(remembered)
    expect(again).toEqual(remembered)
    for (const block of many) expect(decodeBlockBytes(bytesOf(block))).toEqual(block)
  })

  propertyTest.prop(
    [fc.nat(blocks.length - 1), fc.array(fc.record({ at: fc.nat(), value: fc.nat(255) }), { minLength: 1, maxLength: 3 })],
    { seed: PROPERTY_SEED, numRuns: 200 },
  )('bytes of a block changed anywhere give the direct answer', (which, changes) => {
    const original = bytesOf(blocks[which]!)
    const bytes = original.slice()
    for (const { at, value } of changes) bytes[at % bytes.length] = value
    expect(decodeBlockBytes(bytes)).toEqual(direct(bytes))
    expect(decodeBlockBytes(original)).toEqual(blocks[which])
  })
})
