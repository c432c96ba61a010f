import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { checkDuplicateVoteEvidence, DEFAULT_EVIDENCE_PARAMS, evidenceFacts, isExpired, type EvidenceContext } from '../../../src/protocols/chain/evidence.ts'
import {
  addEvidence,
  emptyEvidencePool,
  evidenceToGossip,
  markCommitted,
  pendingEvidence,
  pruneEvidence,
} from '../../../src/protocols/chain/evidencePool.ts'
import { duplicateVoteEvidence, type DuplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import { CHAIN_ID, precommit, validatorSet, verify } from './fixtures.ts'

const set = validatorSet([10n, 20n, 30n, 40n])
const BLOCK_TIME = 5_000_000
const context: EvidenceContext = { chainId: CHAIN_ID, validators: set, blockTime: BLOCK_TIME, verify }
const A = 'aa'.repeat(32)
const B = 'bb'.repeat(32)

/** Validator `index` double-signs precommits at `height`. */
const doubleSign = (index: number, height = 3, blocks: [string | null, string | null] = [A, B]): DuplicateVoteEvidence =>
  duplicateVoteEvidence(
    precommit(set, index, { height, round: 0, blockId: blocks[0], timestamp: BLOCK_TIME }),
    precommit(set, index, { height, round: 0, blockId: blocks[1], timestamp: BLOCK_TIME + 1 }),
    set.validators[index]!.power,
    set.totalPower,
    BLOCK_TIME,
  )

describe('expiry', () => {
  propertyTest.prop([
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.integer({ min: 0, max: 1e12 }),
    fc.record({ maxAgeNumBlocks: fc.integer({ min: 1, max: 200_000 }), maxAgeDuration: fc.integer({ min: 1, max: 1e11 }), maxBytes: fc.constant(1) }),
    fc.integer({ min: 0, max: 400_000 }),
    fc.integer({ min: 0, max: 3e11 }),
  ])('needs both the block age and the time age past their limits', (evHeight, evTime, params, blocksLater, timeLater) => {
    const ev = { ...doubleSign(0, evHeight), timestamp: evTime }
    const expected = blocksLater > params.maxAgeNumBlocks && timeLater > params.maxAgeDuration
    expect(isExpired(ev, evHeight + blocksLater, evTime + timeLater, params)).toBe(expected)
  })

  test("CometBFT's defaults: 100000 blocks and 48 h", () => {
    const ev = doubleSign(0, 1)
    const h48 = 48 * 3600 * 1_000_000
    expect(isExpired(ev, 100_002, BLOCK_TIME + h48 + 1, DEFAULT_EVIDENCE_PARAMS)).toBe(true)
    expect(isExpired(ev, 100_001, BLOCK_TIME + h48 + 1, DEFAULT_EVIDENCE_PARAMS)).toBe(false)
    expect(isExpired(ev, 100_002, BLOCK_TIME + h48, DEFAULT_EVIDENCE_PARAMS)).toBe(false)
  })
})

describe('checkDuplicateVoteEvidence', () => {
  test('accepts two signed votes of one validator for different blocks, nil included', () => {
    expect(checkDuplicateVoteEvidence(doubleSign(1), context)).toBeUndefined()
    expect(checkDuplicateVoteEvidence(doubleSign(1, 3, [A, null]), context)).toBeUndefined()
  })

  test('refuses what does not prove a double sign', () => {
    const ev = doubleSign(1)
    const other = precommit(set, 2, { height: 3, round: 0, blockId: B, timestamp: 1 })
    const cases: [DuplicateVoteEvidence, RegExp][] = [
      [{ ...ev, voteB: other }, /different validators/],
      [{ ...ev, voteB: precommit(set, 1, { height: 3, round: 1, blockId: B, timestamp: 1 }) }, /different height, round or type/],
      [{ ...ev, voteB: ev.voteA }, /same block/],
      [{ ...ev, voteA: ev.voteB, voteB: ev.voteA }, /canonical order/],
      [{ ...ev, validatorPower: 999n }, /validator power/],
      [{ ...ev, totalVotingPower: 1n }, /total voting power/],
      [{ ...ev, timestamp: 1 }, /timestamp/],
      [{ ...ev, voteA: { ...ev.voteA, sig: new Uint8Array(32) } }, /vote A/],
      [{ ...ev, voteB: { ...ev.voteB, sig: new Uint8Array(32) } }, /vote B/],
    ]
    for (const [bad, reason] of cases) expect(checkDuplicateVoteEvidence(bad, context)).toMatch(reason)
    expect(checkDuplicateVoteEvidence(ev, { ...context, validators: validatorSet([5n]) })).toMatch(/not a validator/)
    expect(checkDuplicateVoteEvidence(ev, { ...context, chainId: 'other' })).toMatch(/invalid signature/)
  })
})

describe('the evidence pool', () => {
  const tip = { height: 10, time: BLOCK_TIME + 10_000_000 }
  const ok = () => undefined

  test('adds evidence once, refuses what does not verify, and gossips what is pending', () => {
    let pool = emptyEvidencePool()
    const added = addEvidence(pool, doubleSign(1), tip, ok)
    expect(added.result.outcome).toBe('added')
    pool = added.pool
    expect(addEvidence(pool, doubleSign(1), tip, ok).result.outcome).toBe('duplicate')
    expect(addEvidence(pool, doubleSign(2), tip, () => 'nope').result).toMatchObject({ outcome: 'invalid', reason: 'nope' })
    expect(evidenceToGossip(pool)).toEqual([doubleSign(1)])
  })

  test('refuses expired evidence without verifying it', () => {
    const params = { maxAgeNumBlocks: 2, maxAgeDuration: 1_000, maxBytes: 1 << 20 }
    const result = addEvidence(emptyEvidencePool(params), doubleSign(1), tip, () => {
      throw new Error('verified expired evidence')
    })
    expect(result.result.outcome).toBe('expired')
  })

  test('committed evidence leaves the pending list and is not taken again until it expires', () => {
    const params = { maxAgeNumBlocks: 20, maxAgeDuration: 60_000_000, maxBytes: 1 << 20 }
    let pool = addEvidence(emptyEvidencePool(params), doubleSign(1), tip, ok).pool
    pool = addEvidence(pool, doubleSign(2), tip, ok).pool
    pool = markCommitted(pool, [doubleSign(1)])
    expect(evidenceToGossip(pool)).toEqual([doubleSign(2)])
    expect(addEvidence(pool, doubleSign(1), tip, ok).result.outcome).toBe('committed')

    const stillYoung = pruneEvidence(pool, { height: 30, time: tip.time })
    expect(stillYoung.expired).toEqual([])
    expect(stillYoung.pool.committed.size).toBe(1)
    const old = pruneEvidence(pool, { height: 30, time: BLOCK_TIME + 60_000_001 })
    expect(old.expired).toEqual([doubleSign(2)])
    expect(old.pool.pending).toEqual([])
    expect(old.pool.committed.size).toBe(0)
  })

  test('hands the proposer the oldest evidence within its byte budget', () => {
    let pool = emptyEvidencePool()
    for (const i of [2, 0, 1]) pool = addEvidence(pool, doubleSign(i), tip, ok).pool
    const sizes = [2, 0, 1].map((i) => evidenceFacts(doubleSign(i)).bytes)
    expect(pendingEvidence(pool, sizes[0]! + sizes[1]!)).toEqual([doubleSign(2), doubleSign(0)])
    expect(pendingEvidence(pool, sizes[0]! + sizes[1]! - 1)).toEqual([doubleSign(2)])
    expect(pendingEvidence(pool, 0)).toEqual([])
  })
})
