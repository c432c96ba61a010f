import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Mailbox, type OverflowPolicy } from '../../src/runtime/mailbox.ts'

const policies: readonly OverflowPolicy[] = ['drop-newest', 'drop-oldest']

type Op = { readonly kind: 'push'; readonly item: number } | { readonly kind: 'shift' } | { readonly kind: 'peek' } | { readonly kind: 'clear' } | { readonly kind: 'drain' }

// Pushes dominate and emptying is rare, so that mailboxes fill, overflow, wrap around
// and grow past their first ring (16 slots) with the head mid-ring.
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('push' as const), item: fc.integer() }) },
  { weight: 15, arbitrary: fc.constant({ kind: 'shift' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'peek' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
)

describe.each(policies)('Mailbox with %s', (overflow) => {
  it('behaves like a bounded array under random operations, reporting every drop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(op, { maxLength: 300, size: 'max' }), (capacity, ops) => {
        const mailbox = new Mailbox<number>(capacity, overflow)
        const model: number[] = []
        for (const step of ops) {
          switch (step.kind) {
            case 'push': {
              const outcome = mailbox.push(step.item)
              if (model.length < capacity) {
                expect(outcome).toEqual({ accepted: true })
                model.push(step.item)
              } else if (overflow === 'drop-newest') {
                expect(outcome).toEqual({ accepted: false })
              } else {
                expect(outcome).toEqual({ accepted: true, dropped: model.shift() })
                model.push(step.item)
              }
              break
            }
            case 'shift':
              expect(mailbox.shift()).toBe(model.shift())
              break
            case 'peek':
              expect(mailbox.peek()).toBe(model[0])
              break
            case 'clear':
              expect(mailbox.clear()).toBe(model.length)
              model.length = 0
              break
            case 'drain': {
              const handled: number[] = []
              expect(mailbox.drain((item) => handled.push(item))).toBe(model.length)
              expect(handled).toEqual(model.splice(0))
              break
            }
          }
          expect(mailbox.size).toBe(model.length)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('leaves items pushed during a drain for the next one', () => {
    const mailbox = new Mailbox<number>(4, overflow)
    mailbox.push(1)
    mailbox.push(2)
    const handled: number[] = []
    expect(
      mailbox.drain((item) => {
        handled.push(item)
        mailbox.push(item * 10)
      }),
    ).toBe(2)
    expect(handled).toEqual([1, 2])
    expect(mailbox.size).toBe(2)
    expect(mailbox.drain(() => {})).toBe(2)
  })

  it('keeps the items after one whose handler throws', () => {
    const mailbox = new Mailbox<number>(4, overflow)
    for (const item of [1, 2, 3]) mailbox.push(item)
    expect(() =>
      mailbox.drain((item) => {
        if (item === 2) throw new Error('handler failed')
      }),
    ).toThrow('handler failed')
    expect(mailbox.shift()).toBe(3)
    expect(mailbox.size).toBe(0)
  })
})

describe('Mailbox', () => {
  it('keeps FIFO order when it grows while its ring has wrapped around', () => {
    const mailbox = new Mailbox<number>(100, 'drop-newest')
    for (let i = 0; i < 16; i++) mailbox.push(i)
    mailbox.shift()
    mailbox.shift()
    for (let i = 16; i < 40; i++) mailbox.push(i)
    const out: number[] = []
    mailbox.drain((item) => out.push(item))
    expect(out).toEqual(Array.from({ length: 38 }, (_, i) => i + 2))
  })

  it('stops a drain at queued items that a handler evicted', () => {
    const mailbox = new Mailbox<string>(2, 'drop-oldest')
    mailbox.push('a')
    mailbox.push('b')
    const handled: string[] = []
    // Handling 'a' pushes two items; the second evicts 'b', which was queued when the drain began.
    mailbox.drain((item) => {
      handled.push(item)
      if (item === 'a') {
        mailbox.push('x')
        mailbox.push('y')
      }
    })
    expect(handled).toEqual(['a'])
    expect(mailbox.shift()).toBe('x')
  })

  it('rejects a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new Mailbox(capacity, 'drop-newest')).toThrow(RangeError)
  })
})
