import { decode } from 'cborg'
import type { Micros } from '../time.ts'
import type { RecordedItem } from './recording.ts'

/** An envelope's kind and ends, read loosely: a description must work on bytes a replay rejects. */
const envelopeSummary = (bytes: Uint8Array): string => {
  try {
    const env = decode(bytes) as { kind?: unknown; from?: unknown; to?: unknown }
    return `${String(env.kind)} from ${String(env.from)} to ${String(env.to)}`
  } catch {
    return `${bytes.length} undecodable bytes`
  }
}

/** Live instants are wall-clock µs: shown as UTC time of day, to the millisecond. */
const formatMicros = (at: Micros): string => new Date(at / 1000).toISOString().slice(11, 23)

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').slice(0, 16)

/** One line for a recorded item, as a divergence report shows it. */
export const describeItem = (item: RecordedItem): string => {
  switch (item[0]) {
    case 'start':
      return `${formatMicros(item[1])} start ${item[2]}`
    case 'deliver':
      return `${formatMicros(item[1])} deliver to ${item[2]}: ${envelopeSummary(item[3])}`
    case 'timer':
      return `${formatMicros(item[1])} timer ${item[3]} of ${item[2]}`
    case 'stop':
      return `${formatMicros(item[1])} stop`
    case 'responders':
      return `answered ${item[2]} to "has ${item[1]} responders?"`
    case 'sign':
      return `${item[1]} signed bytes with sha256 ${hex(item[2])}…`
    case 'sent':
      return `${item[1]} sent ${envelopeSummary(item[3])} (${item[2]})`
    case 'report':
      return `${item[1]} reported ${item[2]}`
    case 'crash':
      return `${item[1]} crashed: ${item[2]}`
  }
}
