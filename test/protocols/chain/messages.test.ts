import { Either, Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { DuplicateVoteEvidenceSchema } from '../../../src/protocols/chain/evidence.ts'
import { chainKinds, MAX_BLOCKS_PER_MESSAGE } from '../../../src/protocols/chain/messages.ts'
import { duplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import { decodeStrict, encodeCanonical } from '../../../src/runtime/codec/cbor.ts'
import { commitOf, precommit, validatorSet } from './fixtures.ts'

const set = validatorSet([1n << 58n, 20n])
const evidence = duplicateVoteEvidence(
  precommit(set, 1, { height: 2, round: 0, blockId: 'aa'.repeat(32), timestamp: 7 }),
  precommit(set, 1, { height: 2, round: 0, blockId: null, timestamp: 8 }),
  20n,
  set.totalPower,
  7,
)
const is = <K extends keyof typeof chainKinds>(kind: K) => Schema.is(chainKinds[kind] as Schema.Schema<unknown, unknown, never>)
const throughTheWire = (value: unknown): unknown => Either.getOrThrow(decodeStrict(encodeCanonical(value), 1 << 20))

describe('chain.evidence', () => {
  test('passes the kind guard in its wire form, where small powers are numbers and large ones bigints', () => {
    const wire = throughTheWire(evidence) as { validatorPower: unknown; totalVotingPower: unknown }
    expect(typeof wire.validatorPower).toBe('number')
    expect(typeof wire.totalVotingPower).toBe('bigint')
    expect(is('chain.evidence')(wire)).toBe(true)
    expect(is('chain.evidence')(evidence)).toBe(true)
  })

  test('decodes to bigints, equal to what was sent', () => {
    expect(Schema.decodeUnknownSync(DuplicateVoteEvidenceSchema)(throughTheWire(evidence))).toEqual(evidence)
  })

  test('refuses malformed evidence', () => {
    expect(is('chain.evidence')({ ...evidence, validatorPower: '20' })).toBe(false)
    expect(is('chain.evidence')({ ...evidence, validatorPower: 1.5 })).toBe(false)
    expect(is('chain.evidence')({ ...evidence, voteA: { ...evidence.voteA, height: 0 } })).toBe(false)
    expect(is('chain.evidence')({ ...evidence, timestamp: -1 })).toBe(false)
  })
})

describe('the other kinds', () => {
  test('chain.tx needs a type with an application prefix', () => {
    expect(is('chain.tx')({ type: 'kv.set', key: 'a', value: 'b' })).toBe(true)
    expect(is('chain.tx')({ type: 'kvset' })).toBe(false)
    expect(is('chain.tx')({ key: 'a' })).toBe(false)
  })

  test('chain.status, chain.get-blocks and chain.blocks keep within their bounds', () => {
    expect(is('chain.status')({ height: 0 })).toBe(true)
    expect(is('chain.status')({ height: -1 })).toBe(false)
    expect(is('chain.get-blocks')({ from: 1, max: MAX_BLOCKS_PER_MESSAGE })).toBe(true)
    expect(is('chain.get-blocks')({ from: 1, max: MAX_BLOCKS_PER_MESSAGE + 1 })).toBe(false)
    expect(is('chain.get-blocks')({ from: 0, max: 1 })).toBe(false)
    const entry = { block: new Uint8Array([1]), commit: throughTheWire(commitOf(set, 1, 'aa'.repeat(32))) }
    expect(is('chain.blocks')({ blocks: [entry] })).toBe(true)
    expect(is('chain.blocks')({ blocks: Array.from({ length: MAX_BLOCKS_PER_MESSAGE + 1 }, () => entry) })).toBe(false)
    expect(is('chain.blocks')({ blocks: [{ ...entry, block: 'bytes' }] })).toBe(false)
  })
})
