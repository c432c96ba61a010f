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
