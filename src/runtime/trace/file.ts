import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { encode, encodeInto, rfc8949EncodeOptions } from 'cborg'
import { decodeSequenceItem } from '../codec/cborSequence.ts'
import { Data, Either } from 'effect'
import type { TraceEvent, TraceFooter, TraceHeader } from './event.ts'
import { TRACE_EVENT_TYPE_CODES, TraceHash } from './traceHash.ts'

/**
 * A trace file is a CBOR sequence (RFC 8742): items back to back with no framing, so a
 * file cut short by a crash is still a readable prefix.
 *
 *   header   map    TraceHeader  {format: 'strata-trace', formatVersion: 1, scenario, seed, ...}
 *   event*   array  [at, seq, typeCode, from, to, kind, digest]  or  [..., digest, note]
 *                   at (µs), seq: uint — any other number in its usual CBOR form;
 *                   typeCode: deliver 0, timer 1, fault 2, drop 3;
 *                   from, to, kind, digest, note: text
 *   footer   map    TraceFooter  {format: 'strata-trace-end', events, traceHash}
 *
 * Every item uses RFC 8949 core deterministic encoding, so a run always gives the same
 * bytes. Events are arrays rather than maps so that field names are not spelled out in
 * each of millions of events. They are written and read by hand-rolled code for exactly
 * this shape (cborg's general encoder ran ~0.7 M events/s, the simulator's whole budget
 * is a few µs per event); cborg handles the header, the footer, and any item off that path.
 */

export type TraceFileProblem = 'missing' | 'unreadable' | 'unwritable' | 'not-a-trace' | 'unsupported-version' | 'corrupt'

export class TraceFileError extends Data.TaggedError('TraceFileError')<{
  readonly path: string
  readonly reason: TraceFileProblem
  readonly detail: string
}> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

const FORMAT_VERSION = 1
const CHUNK_BYTES = 64 * 1024

const TYPE_BY_CODE: readonly TraceEvent['type'][] = ['deliver', 'timer', 'fault', 'drop']

const eventItem = (ev: TraceEvent): readonly unknown[] => {
  const item = [ev.at, ev.seq, TRACE_EVENT_TYPE_CODES[ev.type], ev.from, ev.to, ev.kind, ev.digest]
  return ev.note === undefined ? item : [...item, ev.note]
}

/** An upper bound of an event's encoded size: CBOR heads are at most 9 bytes, UTF-8 at most 3 bytes per UTF-16 unit. */
const eventBytesBound = (ev: TraceEvent): number =>
  9 * 9 + 3 * (ev.from.length + ev.to.length + ev.kind.length + ev.digest.length + (ev.note?.length ?? 0))

const MAJOR_UINT = 0x00
const MAJOR_TEXT = 0x60
const MAJOR_ARRAY = 0x80
const TWO_POW_32 = 0x1_0000_0000

const isUint = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Writes a CBOR head in its shortest form (as RFC 8949 §4.2.1 requires); returns the next offset. */
const writeHead = (buf: Buffer, at: number, major: number, n: number): number => {
  if (n < 24) {
    buf[at] = major | n
    return at + 1
  }
  if (n < 0x100) {
    buf[at] = major | 24
    buf[at + 1] = n
    return at + 2
  }
  if (n < 0x1_0000) {
    buf[at] = major | 25
    return buf.writeUInt16BE(n, at + 1)
  }
  if (n < TWO_POW_32) {
    buf[at] = major | 26
    return buf.writeUInt32BE(n, at + 1)
  }
  buf[at] = major | 27
  buf.writeUInt32BE(Math.floor(n / TWO_POW_32), at + 1)
  return buf.writeUInt32BE(n >>> 0, at + 5)
}

const writeText = (buf: Buffer, at: number, text: string): number => {
  // Written as if ASCII (one byte per unit), which ids, kinds and digests are; on the
  // first other character the head is rewritten with the real UTF-8 length.
  let end = writeHead(buf, at, MAJOR_TEXT, text.length)
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0x80) {
      const start = writeHead(buf, at, MAJOR_TEXT, Buffer.byteLength(text))
      return start + buf.write(text, start, 'utf8')
    }
    buf[end++] = unit
  }
  return end
}

/** Encodes an event item at `at`, byte for byte what cborg would; returns the next offset. */
const writeEvent = (buf: Buffer, at: number, ev: TraceEvent): number => {
  if (!isUint(ev.at) || !isUint(ev.seq)) return at + encodeInto(eventItem(ev), buf.subarray(at), rfc8949EncodeOptions).written
  let pos = writeHead(buf, at, MAJOR_ARRAY, ev.note === undefined ? 7 : 8)
  pos = writeHead(buf, pos, MAJOR_UINT, ev.at)
  pos = writeHead(buf, pos, MAJOR_UINT, ev.seq)
  pos = writeHead(buf, pos, MAJOR_UINT, TRACE_EVENT_TYPE_CODES[ev.type])
  pos = writeText(buf, pos, ev.from)
  pos = writeText(buf, pos, ev.to)
  pos = writeText(buf, pos, ev.kind)
  pos = writeText(buf, pos, ev.digest)
  return ev.note === undefined ? pos : writeText(buf, pos, ev.note)
}

/** Reads items of the shape `writeEvent` produces; anything else is left to cborg. */
class EventReader {
  pos = 0

  constructor(private readonly buf: Buffer) {}

  /** The event at `pos` (advancing past it), or undefined — with `pos` unspecified — if it is not plainly one. */
  event(): TraceEvent | undefined {
    const length = this.head(MAJOR_ARRAY)
    if (length !== 7 && length !== 8) return undefined
    const at = this.head(MAJOR_UINT)
    const seq = this.head(MAJOR_UINT)
    const type = TYPE_BY_CODE[this.head(MAJOR_UINT)]
    const from = this.text()
    const to = this.text()
    const kind = this.text()
    const digest = this.text()
    if (at < 0 || seq < 0 || type === undefined || from === undefined || to === undefined || kind === undefined || digest === undefined) {
      return undefined
    }
    if (length === 7) return { at, seq, type, from, to, kind, digest }
    const note = this.text()
    return note === undefined ? undefined : { at, seq, type, from, to, kind, digest, note }
  }

  /** The argument of a definite-length head of type `major` at `pos`, or -1. */
  private head(major: number): number {
    const buf = this.buf
    const initial = buf[this.pos]
    if (initial === undefined || (initial & 0xe0) !== major) return -1
    const info = initial & 0x1f
    if (info < 24) {
      this.pos += 1
      return info
    }
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0
    if (size === 0 || this.pos + 1 + size > buf.length) return -1
    let n = 0
    for (let i = 1; i <= size; i++) n = n * 256 + (buf[this.pos + i] as number)
    this.pos += 1 + size
    return Number.isSafeInteger(n) ? n : -1
  }

  private text(): string | undefined {
    const length = this.head(MAJOR_TEXT)
    if (length < 0 || this.pos + length > this.buf.length) return undefined
    const text = this.buf.toString('utf8', this.pos, this.pos + length)
    this.pos += length
    return text
  }
}

/**
 * Streams a trace to disk. Events collect in a 64 KiB buffer written with one `writeSync`
 * when full: the simulator's loop is synchronous, and a synchronous write per chunk costs
 * less than handling back-pressure of an async stream. I/O errors after `open` (disk full)
 * throw: a recording that lost events is worth nothing.
 */
export class TraceFileWriter {
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  private used = 0
  private closed = false

  private constructor(
    private readonly fd: number,
    readonly path: string,
  ) {}

  static open(path: string, header: TraceHeader): Either.Either<TraceFileWriter, TraceFileError> {
    let fd: number
    try {
      fd = openSync(path, 'w')
    } catch (error) {
      const detail = `cannot create the trace file (${(error as Error).message}); check that its directory exists and is writable`
      return Either.left(new TraceFileError({ path, reason: 'unwritable', detail }))
    }
    const writer = new TraceFileWriter(fd, path)
    writer.appendBytes(encode(header, rfc8949EncodeOptions))
    return Either.right(writer)
  }

  write(ev: TraceEvent): void {
    this.assertOpen()
    const bound = eventBytesBound(ev)
    if (this.used + bound > this.buffer.length) this.flush()
    if (bound > this.buffer.length) {
      this.writeAll(encode(eventItem(ev), rfc8949EncodeOptions))
      return
    }
    this.used = writeEvent(this.buffer, this.used, ev)
  }

  /** Writes the footer, flushes and closes the file. */
  close(footer: TraceFooter): void {
    this.assertOpen()
    this.appendBytes(encode(footer, rfc8949EncodeOptions))
    this.flush()
    closeSync(this.fd)
    this.closed = true
  }

  private appendBytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush()
    if (bytes.length > this.buffer.length) {
      this.writeAll(bytes)
      return
    }
    this.buffer.set(bytes, this.used)
    this.used += bytes.length
  }

  private flush(): void {
    this.writeAll(this.buffer.subarray(0, this.used))
    this.used = 0
  }

  private writeAll(bytes: Uint8Array): void {
    let done = 0
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done)
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`trace file ${this.path} is already closed`)
  }
}

export interface TraceFileContents {
  readonly header: TraceHeader
  readonly events: readonly TraceEvent[]
  readonly footer?: TraceFooter
  /** The footer is missing: the run was cut short (or the file was); `events` are those that were complete. */
  readonly truncated: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)

const isHeader = (h: Record<string, unknown>): h is Record<string, unknown> & TraceHeader =>
  h['format'] === 'strata-trace' &&
  h['formatVersion'] === FORMAT_VERSION &&
  isRecord(h['scenario']) &&
  typeof h['scenario']['path'] === 'string' &&
  typeof h['scenario']['text'] === 'string' &&
  typeof h['seed'] === 'number' &&
  (h['duration'] === undefined || typeof h['duration'] === 'number') &&
  typeof h['codeVersion'] === 'string' &&
  h['origin'] === 'simulation'

const toEvent = (item: unknown): TraceEvent | undefined => {
  if (!Array.isArray(item) || (item.length !== 7 && item.length !== 8)) return undefined
  const [at, seq, code, from, to, kind, digest, note] = item as unknown[]
  const type = typeof code === 'number' ? TYPE_BY_CODE[code] : undefined
  if (typeof at !== 'number' || typeof seq !== 'number' || type === undefined) return undefined
  if (typeof from !== 'string' || typeof to !== 'string' || typeof kind !== 'string' || typeof digest !== 'string') return undefined
  if (item.length === 7) return { at, seq, type, from, to, kind, digest }
  return typeof note === 'string' ? { at, seq, type, from, to, kind, digest, note } : undefined
}

const isFooter = (item: unknown): item is TraceFooter =>
  isRecord(item) && item['format'] === 'strata-trace-end' && typeof item['events'] === 'number' && typeof item['traceHash'] === 'string'

/**
 * Reads a whole trace file. The footer's event count and trace hash are checked against
 * the events read, which catches a corrupted byte inside an event that still decodes.
 * A file without a footer is returned with `truncated: true` (its last, partial item
 * dropped); a corrupted length at the very end of such a file cannot be told apart from
 * a cut and is reported the same way.
 */
export const readTraceFile = (path: string): Either.Either<TraceFileContents, TraceFileError> => {
  const fail = (reason: TraceFileProblem, detail: string) => Either.left(new TraceFileError({ path, reason, detail }))

  let file: Buffer
  try {
    file = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT'
      ? fail('missing', 'no such trace file; check the path (`strata sim` writes one per run)')
      : fail('unreadable', `cannot read the trace file (${(error as Error).message})`)
  }
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength)

  const first = bytes.length === 0 ? { truncated: true as const } : decodeSequenceItem(bytes, 0)
  if ('truncated' in first) return fail('not-a-trace', 'not a strata trace file (it ends before a complete header)')
  if ('error' in first || !isRecord(first.value) || first.value['format'] !== 'strata-trace') {
    return fail('not-a-trace', 'not a strata trace file (it does not start with a strata-trace header)')
  }
  const header = first.value
  if (header['formatVersion'] !== FORMAT_VERSION) {
    return fail(
      'unsupported-version',
      `trace format version ${String(header['formatVersion'])}, this strata reads version ${FORMAT_VERSION}; ` +
        `use the strata that wrote it (code version ${String(header['codeVersion'])})`,
    )
  }
  if (!isHeader(header)) return fail('corrupt', 'the trace header is missing fields or has malformed ones')

  const events: TraceEvent[] = []
  const hash = new TraceHash()
  let offset = first.next
  const reader = new EventReader(file)
  while (offset < bytes.length) {
    reader.pos = offset
    const plain = reader.event()
    if (plain !== undefined) {
      hash.add(plain)
      events.push(plain)
      offset = reader.pos
      continue
    }
    const decoded = decodeSequenceItem(bytes, offset)
    if ('truncated' in decoded) break
    if ('error' in decoded) return fail('corrupt', `item after event #${events.length} (byte ${offset}) is not valid CBOR: ${decoded.error}`)
    if (isFooter(decoded.value)) {
      const footer = decoded.value
      if (decoded.next !== bytes.length) return fail('corrupt', `unexpected data after the footer (byte ${decoded.next})`)
      if (footer.events !== events.length) return fail('corrupt', `the footer counts ${footer.events} events but the file holds ${events.length}`)
      const actual = hash.value()
      if (footer.traceHash !== actual) return fail('corrupt', `the footer's trace hash ${footer.traceHash} does not match the events' ${actual}`)
      return Either.right({ header, events, footer, truncated: false })
    }
    const ev = toEvent(decoded.value)
    if (ev === undefined) return fail('corrupt', `event #${events.length} (byte ${offset}) is not [at, seq, type, from, to, kind, digest, note?]`)
    hash.add(ev)
    events.push(ev)
    offset = decoded.next
  }
  return Either.right({ header, events, truncated: true })
}
