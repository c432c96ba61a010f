/**
 * Time in strata is an integer count of microseconds. Integers keep virtual time exact
 * (no float drift between runs) and microseconds are fine enough for loopback NATS
 * round trips (~100 µs) while still covering centuries within 2^53.
 */
export type Micros = number

export const MICROS_PER_MS = 1_000
export const MICROS_PER_SECOND = 1_000_000

export const ms = (n: number): Micros => Math.round(n * MICROS_PER_MS)
export const seconds = (n: number): Micros => Math.round(n * MICROS_PER_SECOND)

const UNITS: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: MICROS_PER_MS,
  s: MICROS_PER_SECOND,
  m: 60 * MICROS_PER_SECOND,
  h: 3600 * MICROS_PER_SECOND,
}

/** Parses "250ms", "1.5s", "2m", "300us" (or a bare number of milliseconds) into microseconds. */
export const parseDuration = (text: string | number): Micros | undefined => {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? ms(text) : undefined
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$/.exec(text)
  if (!match) return undefined
  const unit = UNITS[match[2] ?? 'ms'] ?? MICROS_PER_MS
  return Math.round(Number(match[1]) * unit)
}

/** Human form used in summaries: "1.250s", "42ms", "17µs". */
export const formatDuration = (t: Micros): string => {
  if (t >= MICROS_PER_SECOND) return `${(t / MICROS_PER_SECOND).toFixed(3)}s`
  if (t >= MICROS_PER_MS) return `${(t / MICROS_PER_MS).toFixed(t % MICROS_PER_MS === 0 ? 0 : 3)}ms`
  return `${t}µs`
}
