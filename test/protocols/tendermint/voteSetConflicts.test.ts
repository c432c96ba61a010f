import { describe, expect, it } from 'vitest'
import { addVote, emptyVoteSet, hasTwoThirdsAny, powerFor, twoThirdsMajority, votesInIndexOrder } from '../../../src/protocols/tendermint/voteSet.ts'
import type { SignedVote } from '../../../src/protocols/tendermint/messages.ts'

const vote = (address: string, index: number, blockId: string | null): SignedVote => ({
  type: 'prevote',
  height: 1,
  round: 0,
  blockId,
  timestamp: 0,
  validatorAddress: address,
  validatorIndex: index,
  sig: new Uint8Array(64),
})

describe('conflicting votes', () => {
  // Powers: a 1, b 1, c 2, d 1 (N = 5, +2/3 = 4); d equivocates.
  const powers: Record<string, bigint> = { a: 1n, b: 1n, c: 2n, d: 1n }
  const add = (set: ReturnType<typeof emptyVoteSet>, v: SignedVote) => addVote(set, v, powers[v.validatorAddress]!).set

  it('a conflicting vote counts for the block it names, so the equivocator cannot hide a polka', () => {
    let set = emptyVoteSet(1, 0, 'prevote', 5n)
    set = add(set, vote('d', 3, null)) // d's nil vote arrives first
    set = add(set, vote('a', 0, 'B'))
    set = add(set, vote('c', 2, 'B'))
    expect(twoThirdsMajority(set)).toBeUndefined()
    set = add(set, vote('d', 3, 'B')) // d's conflicting vote for B
    expect(twoThirdsMajority(set)).toEqual({ blockId: 'B' })
    expect(votesInIndexOrder(set, { blockId: 'B' }).map((v) => v.validatorAddress)).toEqual(['a', 'c', 'd'])
  })

  it('but counts once towards "any", and only once per block', () => {
    let set = emptyVoteSet(1, 0, 'prevote', 5n)
    set = add(set, vote('d', 3, null))
    set = add(set, vote('d', 3, 'B'))
    set = add(set, vote('d', 3, 'B'))
    expect(set.sum).toBe(1n)
    expect(powerFor(set, 'B')).toBe(1n)
    expect(hasTwoThirdsAny(set)).toBe(false)
  })

  it('reports the conflict so it becomes evidence', () => {
    const set = add(emptyVoteSet(1, 0, 'prevote', 5n), vote('d', 3, null))
    const result = addVote(set, vote('d', 3, 'B'), 1n)
    expect(result.outcome).toBe('conflict')
  })
})
