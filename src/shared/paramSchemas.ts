/**
 * Value schemas for parameters written by people (scenario files, network files): each
 * takes what YAML gives — a string with a unit or a bare number — and says what it
 * expected, in the user's terms, when the value is wrong. Protocol parameter schemas and
 * the scenario format share them, so "1s" means the same everywhere.
 */
import { ParseResult, Schema } from 'effect'
import type { ParseIssue } from 'effect/ParseResult'
import { parseDuration, type Micros } from './time.ts'

/** A rejected value as the user wrote it, short enough for a one-line error. */
export const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/** Message for a leaf value: replaces whatever went wrong inside it (wrong type or out of range). */
export const expected = (what: string) => ({
  message: (issue: ParseIssue) => ({ message: `expected ${what}, got ${shown(issue.actual)}`, override: true }),
})

/** Message for a container that is not a container at all; problems inside keep their own messages. */
export const expectedShape = (what: string) => ({
  message: (issue: ParseIssue) => `expected ${what}, got ${shown(issue.actual)}`,
})

export const PositiveInt = Schema.Number.pipe(Schema.int(), Schema.positive()).annotations(
  expected('a positive integer'),
)

export const NonNegativeInt = Schema.Number.pipe(Schema.int(), Schema.nonNegative()).annotations(
  expected('a non-negative integer'),
)

export const Probability = Schema.Number.pipe(Schema.between(0, 1)).annotations(
  expected('a probability between 0 and 1'),
)

/** A value YAML gives either as a string with a unit or as a bare number; `parse` decides. */
const withUnits = (
  what: string,
  parse: (value: string | number) => number | undefined,
  unparse: (value: number) => string | number,
) =>
  Schema.transformOrFail(Schema.Unknown, Schema.Number, {
    strict: true,
    decode: (value, _, ast) => {
      const parsed = typeof value === 'string' || typeof value === 'number' ? parse(value) : undefined
      return parsed === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, value, `expected ${what}, got ${shown(value)}`))
        : ParseResult.succeed(parsed)
    },
    encode: (value) => ParseResult.succeed(unparse(value)),
  })

const microsText = (t: Micros): string => `${t}us`

/** "250ms", "1.5s", "2m", "300us" or a number of milliseconds → Micros. */
export const Duration = withUnits('a duration like "250ms", "1.5s" or "2m"', parseDuration, microsText)

const parsePositiveDuration = (value: string | number): Micros | undefined => {
  const t = parseDuration(value)
  return t !== undefined && t > 0 ? t : undefined
}

export const PositiveDuration = withUnits('a positive duration like "60s"', parsePositiveDuration, microsText)

const parseSignedDuration = (value: string | number): Micros | undefined => {
  const [negative, magnitude] =
    typeof value === 'number' ? [value < 0, Math.abs(value)] : [value.trim().startsWith('-'), value.trim().replace(/^[+-]/, '')]
  const t = parseDuration(magnitude)
  if (t === undefined) return undefined
  return negative && t !== 0 ? -t : t
}

/** "+2s", "-500ms" (or a signed number of milliseconds) → signed Micros. */
export const SignedDuration = withUnits(
  'a signed duration like "+2s" or "-500ms"',
  parseSignedDuration,
  (t) => `${t < 0 ? '-' : '+'}${microsText(Math.abs(t))}`,
)

const PREFIXES: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
}

const AMOUNT = String.raw`^\s*(\d+(?:\.\d+)?)\s*(|k|K|M|G|T|Ki|Mi|Gi|Ti)`

/** Byte counts are whole and positive; a bare number is already bytes. */
const wholeBytes = (n: number): number | undefined => {
  const bytes = Math.round(n)
  return Number.isFinite(n) && bytes > 0 ? bytes : undefined
}

const parseByteSize = (value: string | number): number | undefined => {
  if (typeof value === 'number') return wholeBytes(value)
  const match = new RegExp(`${AMOUNT}B\\s*$`).exec(value)
  return match ? wholeBytes(Number(match[1]) * (PREFIXES[match[2] ?? ''] ?? 1)) : undefined
}

/** "16MiB", "1MB", "512KiB", "100B" or a number of bytes → bytes. */
export const ByteSize = withUnits('a size like "16MiB" or "1MB"', parseByteSize, (bytes) => bytes)

const parseBandwidth = (value: string | number): number | undefined => {
  if (typeof value === 'number') return wholeBytes(value)
  const match = new RegExp(`${AMOUNT}(bps|B/s)\\s*$`).exec(value)
  if (!match) return undefined
  const amount = Number(match[1]) * (PREFIXES[match[2] ?? ''] ?? 1)
  return wholeBytes(match[3] === 'bps' ? amount / 8 : amount)
}

/** "1Gbps", "100Mbps" (bits), "10MB/s", "512KiB/s" (bytes) or a number of bytes/s → bytes per second. */
export const Bandwidth = withUnits('a bandwidth like "1Gbps" or "10MB/s"', parseBandwidth, (rate) => rate)

