import type { TraceEvent } from './event.ts'

/**
 * Where two runs of the same scenario and seed stop agreeing — the one place to look
 * when a determinism check fails (what madsim and FDB's debug_determinism point at).
 */
export interface Divergence {
  /** Index (from 0) of the first event that differs. */
  readonly index: number
  /** Run A's event at `index`; undefined when run A ended there. */
  readonly a: TraceEvent | undefined
  /** Run B's event at `index`; undefined when run B ended there. */
  readonly b: TraceEvent | undefined
  /** Up to `context` events before `index`, from each run (equal field by field: they precede the divergence). */
  readonly context: { readonly a: readonly TraceEvent[]; readonly b: readonly TraceEvent[] }
  /** Up to `context` events after `index`, from each run: an inserted or missing event shows as a shift here. */
  readonly following: { readonly a: readonly TraceEvent[]; readonly b: readonly TraceEvent[] }
}

export const TRACE_EVENT_FIELDS = ['at', 'seq', 'type', 'from', 'to', 'kind', 'digest', 'note'] as const

export type TraceEventField = (typeof TRACE_EVENT_FIELDS)[number]

/** The fields in which two events differ (`note` absent and present counts as different). */
export const differingFields = (x: TraceEvent, y: TraceEvent): TraceEventField[] =>
  TRACE_EVENT_FIELDS.filter((field) => x[field] !== y[field])

const sameEvent = (x: TraceEvent, y: TraceEvent): boolean => TRACE_EVENT_FIELDS.every((field) => x[field] === y[field])

/** The first index at which the runs differ in any field or one of them ends; undefined if they are equal. */
export const firstDivergence = (
  a: readonly TraceEvent[],
  b: readonly TraceEvent[],
  context = 5,
): Divergence | undefined => {
  const shared = Math.min(a.length, b.length)
  let index = 0
  while (index < shared && sameEvent(a[index] as TraceEvent, b[index] as TraceEvent)) index++
  if (index === a.length && index === b.length) return undefined
  const from = Math.max(0, index - context)
  return {
    index,
    a: a[index],
    b: b[index],
    context: { a: a.slice(from, index), b: b.slice(from, index) },
    following: { a: a.slice(index + 1, index + 1 + context), b: b.slice(index + 1, index + 1 + context) },
  }
}
