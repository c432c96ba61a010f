import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { duplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import { addHeightVote, emptyHeightVotes, voteSetAt } from '../../../src/protocols/tendermint/heightVotes.ts'
import type { SignedVote, VoteType } from '../../../src/protocols/tendermint/messages.ts'
import {
  addVote,
  emptyVoteSet,
  hasOneThirdAny,
  hasTwoThirdsAny,
  quorum,
  twoThirdsMajority,
  votesInIndexOrder,
  type VoteSet,
} from '../../../src/protocols/tendermint/voteSet.ts'

const address = (i: number) => (i + 1).toString(16).padStart(40, '0')
const vote = (i: number, blockId: string | null, over: Partial<SignedVote> = {}): SignedVote => ({
  type: 'prevote',
  height: 1,
  round: 0,
  blockId,
  timestamp: 1_000 + i,
  validatorAddress: address(i),
  validatorIndex: i,
  sig: new Uint8Array([i]),
  ...over,
})

const added = (set: VoteSet, v: SignedVote, power: bigint): VoteSet => {
  const r = addVote(set, v, power)
  expect(r.outcome).toBe('added')
  return r.set
}

describe('thresholds', () => {
  test('quorum is floor(2N/3) + 1, as CometBFT computes it', () => {
    expect([1n, 2n, 3n, 4n, 10n, 100n, 101n].map(quorum)).toEqual([1n, 2n, 3n, 3n, 7n, 67n, 68n])
  })

  propertyTest.prop([fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 1_000_000n }), fc.boolean(), fc.constantFrom<string | null>('A', 'B', null)), { minLength: 1, maxLength: 30 })])(
    '+2/3 is reached iff the weighted sum exceeds 2N/3; f+1 iff it exceeds N/3',
    (validators) => {
      const total = validators.reduce((s, [p]) => s + p, 0n)
      let set = emptyVoteSet(1, 0, 'prevote', total)
      const byBlock = new Map<string | null, bigint>()
      let sum = 0n
      validators.forEach(([power, votes, blockId], i) => {
        if (!votes) return
        set = added(set, vote(i, blockId), power)
        sum += power
        byBlock.set(blockId, (byBlock.get(blockId) ?? 0n) + power)
      })
      expect(hasTwoThirdsAny(set)).toBe(3n * sum > 2n * total)
      expect(hasOneThirdAny(set)).toBe(3n * sum > total)
      const winners = [...byBlock].filter(([, p]) => 3n * p > 2n * total).map(([b]) => b)
      expect(twoThirdsMajority(set)).toEqual(winners.length === 0 ? undefined : { blockId: winners[0] })
    },
  )

  test('+2/3 for nil is a majority for nil, distinct from no majority', () => {
    let set = emptyVoteSet(1, 0, 'precommit', 4n)
    for (let i = 0; i < 3; i++) set = added(set, vote(i, null, { type: 'precommit' }), 1n)
    expect(twoThirdsMajority(set)).toEqual({ blockId: null })
  })

  test('mixed votes can pass +2/3 of any without a majority for anything', () => {
    let set = emptyVoteSet(1, 0, 'prevote', 4n)
    set = added(set, vote(0, 'A'), 1n)
    set = added(set, vote(1, 'B'), 1n)
    set = added(set, vote(2, null), 1n)
    expect([hasTwoThirdsAny(set), twoThirdsMajority(set)]).toEqual([true, undefined])
  })
})

describe('one vote per validator', () => {
  test('the same vote again is ignored', () => {
    const set = added(emptyVoteSet(1, 0, 'prevote', 3n), vote(0, 'A'), 1n)
    const again = addVote(set, vote(0, 'A', { timestamp: 5 }), 1n)
    expect(again.outcome).toBe('duplicate')
    expect(again.set.sum).toBe(1n)
  })

  test('a different vote is a conflict and is not counted', () => {
    const set = added(emptyVoteSet(1, 0, 'prevote', 3n), vote(0, 'A'), 1n)
    const other = addVote(set, vote(0, 'B'), 1n)
    expect(other.outcome).toBe('conflict')
    expect(other.outcome === 'conflict' && other.existing.blockId).toBe('A')
    expect(other.set.sum).toBe(1n)
  })

  test('votes of another height, round or type are refused loudly', () => {
    const set = emptyVoteSet(1, 0, 'prevote', 3n)
    expect(() => addVote(set, vote(0, 'A', { round: 1 }), 1n)).toThrow()
    expect(() => addVote(set, vote(0, 'A', { type: 'precommit' }), 1n)).toThrow()
  })

  test('commits list votes in validator-index order', () => {
    let set = emptyVoteSet(1, 0, 'precommit', 10n)
    for (const i of [3, 0, 2, 1]) set = added(set, vote(i, i === 2 ? null : 'A', { type: 'precommit' }), 1n)
    expect(votesInIndexOrder(set).map((v) => v.validatorIndex)).toEqual([0, 1, 2, 3])
    expect(votesInIndexOrder(set, { blockId: 'A' }).map((v) => v.validatorIndex)).toEqual([0, 1, 3])
  })

  propertyTest.prop([fc.shuffledSubarray([...Array(100).keys()], { minLength: 1 })])(
    'in a large set, in any order: each validator counts once, again is a duplicate, otherwise a conflict',
    (order) => {
      let set = emptyVoteSet(1, 0, 'prevote', 1_000n)
      for (const i of order) set = added(set, vote(i, 'A'), 10n)
      for (const i of order) {
        expect(addVote(set, vote(i, 'A'), 10n).outcome).toBe('duplicate')
        expect(addVote(set, vote(i, 'B'), 10n).outcome).toBe('conflict')
      }
      for (const i of [...Array(100).keys()].filter((i) => !order.includes(i)).slice(0, 3)) expect(addVote(set, vote(i, 'A'), 10n).outcome).toBe('added')
      expect(set.sum).toBe(10n * BigInt(order.length))
      expect(votesInIndexOrder(set).map((v) => v.validatorIndex)).toEqual([...order].sort((a, b) => a - b))
    },
  )
})

describe('DuplicateVoteEvidence', () => {
  test('orders the two votes by block id, nil first, whatever order they came in', () => {
    const a = vote(0, 'B1')
    const b = vote(0, 'A1')
    const n = vote(0, null)
    expect(duplicateVoteEvidence(a, b, 10n, 40n, 7)).toEqual({ voteA: b, voteB: a, totalVotingPower: 40n, validatorPower: 10n, timestamp: 7 })
    expect(duplicateVoteEvidence(b, a, 10n, 40n, 7)).toEqual(duplicateVoteEvidence(a, b, 10n, 40n, 7))
    expect(duplicateVoteEvidence(a, n, 10n, 40n, 7).voteA).toBe(n)
  })
})

describe('votes of a height', () => {
  const at = (i: number, round: number, type: VoteType = 'prevote') => vote(i, 'A', { round, type })

  test('rounds up to the current one + 1 are open to everyone', () => {
    let hv = emptyHeightVotes(1, 4n)
    for (let i = 0; i < 4; i++) {
      const r = addHeightVote(hv, at(i, 1), 1n, 0)
      expect(r.outcome).toBe('added')
      hv = r.votes
    }
    expect(voteSetAt(hv, 1, 'prevote').sum).toBe(4n)
    expect(voteSetAt(hv, 1, 'precommit').sum).toBe(0n)
  })

  test('beyond that each validator may open two rounds (CometBFT peerCatchupRounds)', () => {
    let hv = emptyHeightVotes(1, 4n)
    const outcomes = [5, 6, 7].map((round) => {
      const r = addHeightVote(hv, at(0, round), 1n, 0)
      hv = r.votes
      return r.outcome
    })
    expect(outcomes).toEqual(['added', 'added', 'unwanted-round'])
    // a round someone opened is open to all
    expect(addHeightVote(hv, at(1, 6), 1n, 0).outcome).toBe('added')
    expect(addHeightVote(hv, at(1, 9), 1n, 0).outcome).toBe('added')
  })

  test('conflicts are reported with the vote that was counted', () => {
    const hv = addHeightVote(emptyHeightVotes(1, 4n), at(0, 0), 1n, 0).votes
    const r = addHeightVote(hv, vote(0, 'B'), 1n, 0)
    expect(r.outcome).toBe('conflict')
    expect(r.outcome === 'conflict' && r.existing.blockId).toBe('A')
  })
})
