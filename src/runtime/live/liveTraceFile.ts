import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs'
import { decodeFirst } from 'cborg'
import { Data, Either } from 'effect'
import type { LiveSegment } from './liveReplay.ts'
import { recordingDir, segmentFiles } from './recorder.ts'
import { decodeSequence, encodeItem, isRecordedItem, isSegmentHeader, type RecordedItem, type SegmentHeader } from './recording.ts'

/**
 * One file holding a whole live run, as `strata devnet record` exports it and
 * `strata replay` reads it: a CBOR sequence of
 *
 *   LiveTraceHeader   the network, its nodes, how many segments follow
 *   per segment       its SegmentHeader and its items, exactly as the node recorded them
 *
 * Segments are copied byte for byte up to the last complete item, so a segment a
 * SIGKILL cut short is carried as the consistent prefix it is.
 */
export const LIVE_TRACE_FORMAT = 'strata-live-trace'

export interface LiveTraceHeader {
  readonly format: typeof LIVE_TRACE_FORMAT
  readonly formatVersion: 1
  readonly network: string
  readonly nodes: readonly string[]
  readonly segments: number
  readonly exportedBy: string
}

export interface LiveTrace {
  readonly header: LiveTraceHeader
  readonly segments: readonly LiveSegment[]
}

export class LiveTraceError extends Data.TaggedError('LiveTraceError')<{ readonly path: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

export interface ExportSummary {
  readonly nodes: number
  readonly segments: number
  readonly items: number
  /** Segments that end without a clean stop (a kill, or a node still running). */
  readonly cut: readonly string[]
  readonly bytes: number
}

/** Collects every segment recorded under the nodes' data directories into one trace file. */
export const exportLiveTrace = (
  network: string,
  nodes: readonly { readonly id: string; readonly dataDir: string }[],
  out: string,
  exportedBy: string,
): Either.Either<ExportSummary, LiveTraceError> => {
  const parts: { readonly bytes: Uint8Array; readonly items: number; readonly complete: boolean; readonly name: string }[] = []
  for (const node of nodes) {
    for (const path of segmentFiles(recordingDir(node.dataDir))) {
      const bytes = readFileSync(path)
      const decoded = decodeSequence(bytes)
      const [header, ...items] = decoded.items
      if (!isSegmentHeader(header)) return Either.left(new LiveTraceError({ path, detail: 'is not a recording segment', hint: 'remove it from the recording directory' }))
      if (header.network !== network || header.node !== node.id) {
        return Either.left(new LiveTraceError({ path, detail: `was recorded by ${header.node} of network ${header.network}, not ${node.id} of ${network}`, hint: 'a data directory of another network: remove its recording/ directory' }))
      }
      parts.push({ bytes: bytes.subarray(0, decoded.completeBytes), items: items.length, complete: items.some(isStop), name: `${node.id} segment ${header.segment}` })
    }
  }
  if (parts.length === 0) return Either.left(new LiveTraceError({ path: out, detail: 'no node has recorded anything', hint: 'start the devnet with recording on (`strata devnet up`, without --no-record)' }))
  const header: LiveTraceHeader = { format: LIVE_TRACE_FORMAT, formatVersion: 1, network, nodes: nodes.map((n) => n.id), segments: parts.length, exportedBy }
  const contents = Buffer.concat([encodeItem(header), ...parts.map((p) => p.bytes)])
  try {
    writeFileSync(out, contents)
  } catch (error) {
    return Either.left(new LiveTraceError({ path: out, detail: `cannot write it: ${(error as Error).message}`, hint: 'choose an --out path in a writable directory' }))
  }
  return Either.right({ nodes: nodes.length, segments: parts.length, items: parts.reduce((n, p) => n + p.items, 0), cut: parts.filter((p) => !p.complete).map((p) => p.name), bytes: contents.length })
}

const isStop = (item: unknown): boolean => Array.isArray(item) && item[0] === 'stop'

/** Whether a decoded first item is a live trace's header (as opposed to a simulation trace's). */
export const isLiveTraceHeader = (value: unknown): value is LiveTraceHeader =>
  typeof value === 'object' && value !== null && (value as { format?: unknown }).format === LIVE_TRACE_FORMAT

/** A live trace's header is small: if the first item does not fit here, the file is something else. */
const PEEK_BYTES = 4096

/** Whether the file at `path` is a live trace, judged by its first item (unreadable files are not). */
export const isLiveTraceFile = (path: string): boolean => {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return false
  }
  try {
    const head = Buffer.alloc(PEEK_BYTES)
    const [first] = decodeFirst(head.subarray(0, readSync(fd, head, 0, PEEK_BYTES, 0)))
    return isLiveTraceHeader(first)
  } catch {
    return false
  } finally {
    closeSync(fd)
  }
}

/** Reads a live trace back into its segments. */
export const readLiveTrace = (path: string): Either.Either<LiveTrace, LiveTraceError> => {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (error) {
    return Either.left(new LiveTraceError({ path, detail: `cannot read it: ${(error as Error).message}`, hint: 'check the path' }))
  }
  const decoded = decodeSequence(bytes)
  if (decoded.stopped === 'corrupt') return Either.left(new LiveTraceError({ path, detail: `is damaged after byte ${decoded.completeBytes}`, hint: 'export it again with `strata devnet record`' }))
  const [header, ...rest] = decoded.items
  if (!isLiveTraceHeader(header)) return Either.left(new LiveTraceError({ path, detail: 'is not a live trace', hint: 'pass a file written by `strata devnet record --out FILE`' }))
  if (header.formatVersion !== 1) return Either.left(new LiveTraceError({ path, detail: `has format version ${String(header.formatVersion)}; this strata reads version 1`, hint: 'replay it with the strata version that exported it' }))
  const segments: { header: SegmentHeader; items: RecordedItem[] }[] = []
  for (const [index, item] of rest.entries()) {
    if (isSegmentHeader(item)) segments.push({ header: item, items: [] })
    else if (isRecordedItem(item) && segments.length > 0) segments.at(-1)!.items.push(item)
    else return Either.left(new LiveTraceError({ path, detail: `item ${index + 1} is neither a segment header nor a recorded item`, hint: 'export it again with `strata devnet record`' }))
  }
  return Either.right({ header, segments: segments.map((s) => ({ ...s, complete: s.items.some(isStop) })) })
}
