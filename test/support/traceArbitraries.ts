import fc from 'fast-check'
import type { TraceEvent } from '../../src/runtime/trace/event.ts'

/** Trace events whose string fields are drawn from `text` (`note` sometimes absent). */
export const traceEventOf = (text: fc.Arbitrary<string>): fc.Arbitrary<TraceEvent> =>
  fc.record(
    {
      at: fc.maxSafeNat(),
      seq: fc.nat(),
      type: fc.constantFrom('deliver' as const, 'timer' as const, 'fault' as const, 'drop' as const),
      from: text,
      to: text,
      kind: text,
      digest: text,
      note: text,
    },
    { requiredKeys: ['at', 'seq', 'type', 'from', 'to', 'kind', 'digest'] },
  )

const TYPES = ['deliver', 'timer', 'fault', 'drop'] as const

/**
 * A copy of `ev` that differs in exactly `field` (a missing note becomes an empty one,
 * and back; strings get `suffix`, which must be non-empty).
 */
export const mutateField = (ev: TraceEvent, field: keyof TraceEvent, suffix = "'"): TraceEvent => {
  switch (field) {
    case 'at':
      return { ...ev, at: ev.at === 0 ? 1 : ev.at - 1 }
    case 'seq':
      return { ...ev, seq: ev.seq + 1 }
    case 'type':
      return { ...ev, type: TYPES[(TYPES.indexOf(ev.type) + 1) % TYPES.length] ?? 'deliver' }
    case 'note': {
      if (ev.note === undefined) return { ...ev, note: '' }
      const { note: _dropped, ...rest } = ev
      return rest
    }
    default:
      return { ...ev, [field]: ev[field] + suffix }
  }
}
