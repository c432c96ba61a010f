import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { ActorId } from '../address.ts'
import type { StoreService } from '../services.ts'
import { encodeItem, type RecordedItem, type SegmentHeader } from './recording.ts'

/** Past this many buffered bytes a write happens at once rather than at the next flush tick. */
const FLUSH_BYTES = 1 << 20

/** `<data>/recording/`: where a node's segments live. */
export const recordingDir = (dataDir: string): string => join(dataDir, 'recording')

const SEGMENT_FILE = /^(\d{6})\.cbors$/

/** The segment files of a node's recording, oldest first. */
export const segmentFiles = (dir: string): string[] => {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names.filter((n) => SEGMENT_FILE.test(n)).sort().map((n) => join(dir, n))
}

/** Every actor's store as [key, value] pairs: the state a replay of this segment starts from. */
export const snapshotStores = (stores: ReadonlyMap<ActorId, StoreService>): SegmentHeader['stores'] => {
  const snapshot: Record<ActorId, (readonly [string, Uint8Array])[]> = {}
  for (const [actor, store] of stores) snapshot[actor] = store.keys('').map((key) => [key, store.get(key)!] as const)
  return snapshot
}

/**
 * How much disk a node's recording (all its segments) may take; at the limit the node
 * stops recording and says so once. A validator records ~11 KB a height, so a devnet
 * left running must not fill the disk: what was recorded stays a replayable prefix.
 */
export interface RecordingLimit {
  readonly bytes: number
  /** Called once, with the bytes the recording takes, when it stops (or cannot start) at the limit. */
  readonly onReached: (used: number) => void
}

/**
 * Appends one segment of a node's recording. Items collect in memory and are written by
 * `flush` (the node calls it on a short tick and at shutdown) or once a megabyte is
 * waiting; a SIGKILL loses at most the last tick's items, and since items are written in
 * order what survives is a consistent prefix. A write error disables the recorder with one
 * report rather than stopping the node: the node's work matters more than its recording.
 * So does reaching the limit: the item that would pass it, and everything after, is not
 * recorded.
 */
export class LiveRecorder {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private fd: number | undefined

  private constructor(
    fd: number,
    readonly path: string,
    private readonly onError: (error: Error) => void,
    private readonly limit: RecordingLimit | undefined,
    /** Bytes the recording takes: earlier segments, and what this one has written or holds. */
    private used: number,
  ) {
    this.fd = fd
  }

  /**
   * Opens the next segment file under `dir` and writes its header (segment number filled
   * in); undefined, after `limit.onReached`, when the earlier segments already take the limit.
   */
  static open(dir: string, header: Omit<SegmentHeader, 'segment'>, onError: (error: Error) => void, limit?: RecordingLimit): LiveRecorder | undefined {
    mkdirSync(dir, { recursive: true })
    const earlier = segmentFiles(dir)
    const used = earlier.reduce((sum, file) => sum + statSync(file).size, 0)
    if (limit !== undefined && used >= limit.bytes) {
      limit.onReached(used)
      return undefined
    }
    const path = join(dir, `${String(earlier.length + 1).padStart(6, '0')}.cbors`)
    const recorder = new LiveRecorder(openSync(path, 'wx'), path, onError, limit, used)
    recorder.append({ ...header, segment: earlier.length + 1 })
    recorder.flush()
    // Not even the header fitted: no segment rather than an empty one.
    if (recorder.fd === undefined) {
      rmSync(path, { force: true })
      return undefined
    }
    return recorder
  }

  record(item: RecordedItem): void {
    this.append(item)
  }

  flush(): void {
    if (this.fd === undefined || this.pendingBytes === 0) return
    const chunk = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    try {
      let done = 0
      while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done)
    } catch (error) {
      this.fail(error as Error)
    }
  }

  close(): void {
    this.flush()
    if (this.fd === undefined) return
    closeSync(this.fd)
    this.fd = undefined
  }

  private append(item: SegmentHeader | RecordedItem): void {
    if (this.fd === undefined) return
    const bytes = encodeItem(item)
    if (this.limit !== undefined && this.used + bytes.length > this.limit.bytes) return this.stopAtLimit(this.limit)
    this.used += bytes.length
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    if (this.pendingBytes >= FLUSH_BYTES) this.flush()
  }

  private stopAtLimit(limit: RecordingLimit): void {
    this.close()
    limit.onReached(this.used)
  }

  private fail(error: Error): void {
    const fd = this.fd
    this.fd = undefined
    this.pending = []
    this.pendingBytes = 0
    if (fd !== undefined) closeSync(fd)
    this.onError(error)
  }
}
