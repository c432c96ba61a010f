import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { differingFields, firstDivergence, TRACE_EVENT_FIELDS } from '../../src/runtime/trace/diff.ts'
import type { TraceEvent } from '../../src/runtime/trace/event.ts'
import { formatAt, formatDivergence, formatEvent } from '../../src/runtime/trace/format.ts'
import { mutateField, traceEventOf } from '../support/traceArbitraries.ts'

const text = fc.string({ unit: 'grapheme-ascii', maxLength: 10 })
const traceEvent = traceEventOf(text)


const event = (i: number, extra: Partial<TraceEvent> = {}): TraceEvent => ({
  at: 12_000_000 + 1_000 * i,
  seq: i,
  type: 'deliver',
  from: `validator-${i % 4}`,
  to: `validator-${(i + 1) % 4}`,
  kind: 'tendermint/prevote',
  digest: `d${String(i).padStart(15, '0')}`,
  ...extra,
})

const run = (n: number): TraceEvent[] => Array.from({ length: n }, (_, i) => event(i))

describe('firstDivergence', () => {
  it('finds exactly the mutated index, with both events and the events before it', () => {
    fc.assert(
      fc.property(fc.array(traceEvent, { minLength: 1, maxLength: 40 }), fc.nat(), fc.constantFrom(...TRACE_EVENT_FIELDS), (a, at, field) => {
        const i = at % a.length
        const b = a.map((ev, j) => (j === i ? mutateField(ev, field) : ev))
        const d = firstDivergence(a, b)
        expect(d?.index).toBe(i)
        expect(d?.a).toBe(a[i])
        expect(d?.b).toBe(b[i])
        expect(d?.context.a).toEqual(a.slice(Math.max(0, i - 5), i))
        expect(d?.context.b).toEqual(b.slice(Math.max(0, i - 5), i))
        expect(differingFields(a[i] as TraceEvent, b[i] as TraceEvent)).toEqual([field])
      }),
    )
  })

  it('points at the end of the shorter run when one is a prefix of the other', () => {
    fc.assert(
      fc.property(fc.array(traceEvent, { minLength: 1, maxLength: 40 }), fc.nat(), (a, at) => {
        const k = at % a.length
        const shorter = a.slice(0, k)
        const d = firstDivergence(a, shorter)
        expect(d?.index).toBe(k)
        expect(d?.a).toBe(a[k])
        expect(d?.b).toBeUndefined()
        const swapped = firstDivergence(shorter, a)
        expect(swapped?.a).toBeUndefined()
        expect(swapped?.b).toBe(a[k])
      }),
    )
  })

  it('is undefined for equal runs, compared by value', () => {
    fc.assert(
      fc.property(fc.array(traceEvent, { maxLength: 40 }), (a) => {
        expect(firstDivergence(a, structuredClone(a))).toBeUndefined()
      }),
    )
    expect(firstDivergence([], [])).toBeUndefined()
  })

  it('gives as much context as asked for, before and after', () => {
    const a = run(50)
    const b = a.map((ev, i) => (i === 30 ? { ...ev, digest: 'changed' } : ev))
    const d = firstDivergence(a, b, 3)
    expect(d?.context.a.map((ev) => ev.seq)).toEqual([27, 28, 29])
    expect(d?.following.a.map((ev) => ev.seq)).toEqual([31, 32, 33])
    expect(d?.following.b).toEqual(b.slice(31, 34))
    expect(firstDivergence(a, b.slice(0, 31))?.following.b).toEqual([])
  })
})

describe('formatDivergence', () => {
  const squash = (line: string) => line.replace(/\s+/g, ' ').trim()

  it('says where and in what the runs diverge, and shows both differing events aligned', () => {
    const a = run(1300)
    const b = a.map((ev, i) => (i === 1234 ? { ...ev, at: 12_345_678, from: 'validator-1000', digest: 'ffffffffffffffff', note: 'late' } : ev))
    a[1234] = { ...(a[1234] as TraceEvent), at: 12_345_679 }
    const text = formatDivergence(firstDivergence(a, b) as NonNullable<ReturnType<typeof firstDivergence>>, ['run 1', 'run 2'])
    const lines = text.split('\n')
    expect(lines[0]).toBe('first divergence at event #1234 (t=12.345678s); differs in at, from, digest, note')
    const lineA = lines.find((line) => line.startsWith('  run 1  #1234')) ?? ''
    const lineB = lines.find((line) => line.startsWith('  run 2  #1234')) ?? ''
    expect(squash(lineA)).toContain(squash(formatEvent(a[1234] as TraceEvent)))
    expect(squash(lineB)).toContain(squash(formatEvent(b[1234] as TraceEvent)))
    // Aligned: the digest column starts at the same place on both lines.
    expect(lineA.indexOf(a[1234]?.digest ?? '?')).toBe(lineB.indexOf('ffffffffffffffff'))
    for (const shared of a.slice(1229, 1234)) expect(text).toContain(shared.digest)
    expect(text).not.toContain((a[1228] as TraceEvent).digest)
  })

  it('says which run ended early', () => {
    const text = formatDivergence(firstDivergence(run(10), run(7)) as NonNullable<ReturnType<typeof firstDivergence>>, ['a.trace', 'b.trace'])
    expect(text).toContain('first divergence at event #7 (t=12.007000s)')
    expect(text).toMatch(/b\.trace\s+#7\s+\(run ended after 7 events\)/)
    expect(squash(text)).toContain(squash(formatEvent(event(7))))
  })
})

describe('formatEvent', () => {
  it('puts one event on one line with every field', () => {
    const line = formatEvent(event(3, { type: 'drop', note: 'partition' }))
    expect(line).toBe('12.003000s  seq 3  drop  validator-3 → validator-0  tendermint/prevote  d000000000000003  partition')
    expect(formatAt(5)).toBe('0.000005s')
  })
})
