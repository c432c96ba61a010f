import { describe, expect, test } from 'vitest'
import { initialContext, withChanges, type ConsensusContext } from '../../../src/protocols/tendermint/consensusContext.ts'
import { block } from './harness.ts'

const locked = (): ConsensusContext =>
  withChanges(initialContext({ chainId: 'c', address: 'aa' }), { height: 3, round: 2, lockedValue: block('x', 5), lockedRound: 1, awaitingValue: true })

describe('withChanges', () => {
  test('changes exactly the fields given, to any value a field may hold (null, false, −1 and 0 included)', () => {
    const before = locked()
    const after = withChanges(before, { lockedValue: null, lockedRound: -1, awaitingValue: false, round: 0 })
    expect(after).toEqual({ ...before, lockedValue: null, lockedRound: -1, awaitingValue: false, round: 0 })
    expect(before.lockedValue?.blockId).toBe('x')
  })

  test('with no changes, a copy equal to the context, every field the same object', () => {
    const before = locked()
    const copy = withChanges(before, {})
    expect(copy).not.toBe(before)
    for (const key of Object.keys(before) as (keyof ConsensusContext)[]) expect(copy[key], key).toBe(before[key])
    expect(Object.keys(copy).sort()).toEqual(Object.keys(before).sort())
  })
})
