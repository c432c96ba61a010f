import type { LogLine } from '../runtime/sim/simulation.ts'
import type { Micros } from '../runtime/time.ts'

/** One error as a run logged it, however many nodes logged it how often. */
export interface LoggedError {
  readonly firstAt: Micros
  /** The log message and, for a crash, the first line of the error (its stack is in the log fields). */
  readonly text: string
  readonly actors: readonly string[]
  readonly count: number
}

/**
 * The errors of a run's logs, the same one from many actors counted as one, in the order
 * they first happened. An actor that crashes at every start (a bad genesis, say) shows
 * only as restarts in the figures: this is where the user reads why.
 */
export const loggedErrors = (logs: readonly LogLine[]): LoggedError[] => {
  const byText = new Map<string, { firstAt: Micros; actors: Set<string>; count: number }>()
  for (const line of logs) {
    if (line.level !== 'error') continue
    const text = errorText(line)
    const seen = byText.get(text) ?? { firstAt: line.at, actors: new Set<string>(), count: 0 }
    seen.actors.add(line.actor)
    seen.count++
    byText.set(text, seen)
  }
  return [...byText].map(([text, { firstAt, actors, count }]) => ({ firstAt, text, actors: [...actors].sort(), count }))
}

const errorText = (line: LogLine): string => {
  const error = line.fields?.['error']
  if (typeof error !== 'string') return line.message
  return `${line.message}: ${error.split('\n')[0]!.replace(/^Error: /, '')}`
}
