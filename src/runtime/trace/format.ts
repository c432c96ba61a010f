import type { TraceEvent } from './event.ts'
import { differingFields, type Divergence } from './diff.ts'
import { MICROS_PER_SECOND, type Micros } from '../time.ts'

/** Virtual time as seconds with all six microsecond digits, so adjacent events never print alike. */
export const formatAt = (at: Micros): string =>
  Number.isSafeInteger(at) && at >= 0
    ? `${Math.floor(at / MICROS_PER_SECOND)}.${String(at % MICROS_PER_SECOND).padStart(6, '0')}s`
    : `${at / MICROS_PER_SECOND}s`

/** Columns: at, seq, type, from → to, kind, digest, note. */
const cells = (ev: TraceEvent): string[] => [
  formatAt(ev.at),
  `seq ${ev.seq}`,
  ev.type,
  `${ev.from} → ${ev.to}`,
  ev.kind,
  ev.digest,
  ev.note ?? '',
]

/** One event on one line. */
export const formatEvent = (ev: TraceEvent): string => cells(ev).join('  ').trimEnd()

interface Row {
  readonly label: string
  readonly index: number
  readonly event: TraceEvent | undefined
}

const rowCells = (row: Row): string[] => [row.label, `#${row.index}`, ...(row.event === undefined ? [] : cells(row.event))]

/**
 * The divergence as a protocol engineer wants to read it: where, in which fields, the
 * shared events that led there, the two differing events one above the other, and what
 * each run did next. Columns are aligned across all of it.
 */
export const formatDivergence = (d: Divergence, labels: readonly [string, string]): string => {
  const [labelA, labelB] = labels
  const start = d.index - d.context.a.length
  const following = (label: string, events: readonly TraceEvent[]): Row[] =>
    events.map((event, i) => ({ label, index: d.index + 1 + i, event }))
  const sections: ReadonlyArray<readonly [string, readonly Row[]]> = [
    ['shared by both runs before it:', d.context.a.map((event, i) => ({ label: '', index: start + i, event }))],
    [
      'differing:',
      [
        { label: labelA, index: d.index, event: d.a },
        { label: labelB, index: d.index, event: d.b },
      ],
    ],
    [`next in ${labelA}:`, following(labelA, d.following.a)],
    [`next in ${labelB}:`, following(labelB, d.following.b)],
  ]

  const widths: number[] = []
  for (const [, rows] of sections) {
    for (const row of rows) rowCells(row).forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)))
  }
  const render = (row: Row): string => {
    const line = rowCells(row).map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')
    return `  ${line}${row.event === undefined ? `  (run ended after ${row.index} events)` : ''}`.trimEnd()
  }

  const t = Math.min(...[d.a, d.b].flatMap((ev) => (ev === undefined ? [] : [ev.at])))
  const fields = d.a !== undefined && d.b !== undefined ? `; differs in ${differingFields(d.a, d.b).join(', ')}` : ''
  const out = [`first divergence at event #${d.index} (t=${formatAt(t)})${fields}`]
  for (const [title, rows] of sections) if (rows.length > 0) out.push(title, ...rows.map(render))
  return out.join('\n')
}
