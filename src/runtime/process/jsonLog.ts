import type { ActorId } from '../address.ts'
import type { LogLevel, LogService } from '../services.ts'

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export const isLogLevel = (text: string): text is LogLevel => text in RANK

/** Bytes longer than this are logged as their length only: a log line must stay a line. */
const MAX_LOGGED_BYTES = 64

/** Makes any field JSON-safe: bigints as text, bytes as hex (or their size), errors as their message. */
const jsonSafe = (_key: string, value: unknown): unknown => {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return value.length <= MAX_LOGGED_BYTES ? Buffer.from(value).toString('hex') : `<${value.length} bytes>`
  if (value instanceof Error) return value.message
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  return value
}

/**
 * A node's log: one JSON object per line, `{time, level, node, actor?, msg, ...fields}`,
 * written to `out` (stderr; `strata devnet up` sends each node's stderr to its log file).
 * JSON lines because they are grep-able by a person and parseable by tests and tools.
 */
export class JsonLog {
  private readonly minRank: number

  constructor(
    private readonly node: string,
    minLevel: LogLevel,
    private readonly out: (line: string) => void = (line) => void process.stderr.write(line),
  ) {
    this.minRank = RANK[minLevel]
  }

  write(level: LogLevel, message: string, fields?: Record<string, unknown>, actor?: ActorId): void {
    if (RANK[level] < this.minRank) return
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, node: this.node }
    if (actor !== undefined) line.actor = actor
    line.msg = message
    // The fixed keys first (a person reads them first); a field never overwrites one.
    for (const [key, value] of Object.entries(fields ?? {})) if (!(key in line)) line[key] = value
    let text: string
    try {
      text = JSON.stringify(line, jsonSafe)
    } catch (error) {
      // A cyclic field must not take the node down; the message alone still says what happened.
      text = JSON.stringify({ ...line, logError: (error as Error).message })
    }
    this.out(`${text}\n`)
  }

  forActor(actor: ActorId): LogService {
    return { log: (level, message, fields) => this.write(level, message, fields, actor) }
  }
}
