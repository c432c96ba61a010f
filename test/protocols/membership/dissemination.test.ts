import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { enqueueUpdate, takePiggyback, transmissionLimit, type DisseminationQueue } from '../../../src/protocols/membership/dissemination.ts'
import type { MemberUpdate } from '../../../src/protocols/membership/view.ts'

const alive = (member: string, incarnation = 0): MemberUpdate => ({ member, status: 'alive', incarnation })
const suspect = (member: string, incarnation = 0): MemberUpdate => ({ member, status: 'suspect', incarnation })

const queueOf = (updates: readonly MemberUpdate[]): DisseminationQueue => updates.reduce(enqueueUpdate, [] as DisseminationQueue)

describe('transmission limit', () => {
  test('is λ·⌈log2(n + 1)⌉', () => {
    expect(transmissionLimit(3, 50)).toBe(18) // ⌈log2 51⌉ = 6
    expect(transmissionLimit(3, 7)).toBe(9) // log2 8 = 3 exactly
    expect(transmissionLimit(3, 8)).toBe(12)
    expect(transmissionLimit(2, 1)).toBe(2)
  })
})

describe('piggyback queue', () => {
  test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 })])(
    'sends every update exactly `limit` times, then forgets it',
    (updateCount, max, limit) => {
      let queue = queueOf(Array.from({ length: updateCount }, (_, i) => alive(`m${i}`)))
      const sent = new Map<string, number>()
      for (let message = 0; queue.length > 0; message++) {
        expect(message).toBeLessThan(updateCount * limit + 1) // terminates
        const taken = takePiggyback(queue, { max, limit, recipient: 'someone-else' })
        expect(taken.updates.length).toBeLessThanOrEqual(max)
        for (const u of taken.updates) sent.set(u.member, (sent.get(u.member) ?? 0) + 1)
        queue = taken.queue
      }
      expect([...sent.values()]).toEqual(Array.from({ length: updateCount }, () => limit))
    },
  )

  test('takes the newest first, at most `max` per message', () => {
    const queue = queueOf(['m1', 'm2', 'm3', 'm4', 'm5'].map((m) => alive(m)))
    expect(takePiggyback(queue, { max: 3, limit: 5, recipient: 'x' }).updates.map((u) => u.member)).toEqual(['m5', 'm4', 'm3'])
  })

  test('newer news about a member replaces the older entry and is sent afresh', () => {
    let queue = queueOf([suspect('m1')])
    queue = takePiggyback(queue, { max: 6, limit: 2, recipient: 'x' }).queue
    queue = enqueueUpdate(queue, alive('m1', 1))
    expect(queue).toEqual([{ update: alive('m1', 1), sent: 0 }])
  })

  test('skips news about the recipient, which keeps its place and its count', () => {
    const queue = queueOf([alive('m1'), alive('m2')])
    const taken = takePiggyback(queue, { max: 6, limit: 5, recipient: 'm2' })
    expect(taken.updates).toEqual([alive('m1')])
    expect(taken.queue).toEqual([
      { update: alive('m2'), sent: 0 },
      { update: alive('m1'), sent: 1 },
    ])
  })

  test('takes nothing when no room is left', () => {
    const queue = queueOf([alive('m1')])
    expect(takePiggyback(queue, { max: 0, limit: 5, recipient: 'x' })).toEqual({ updates: [], queue })
  })
})
