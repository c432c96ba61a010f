import { closeSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs'
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
 * Appends one segment of a node's recording. Items collect in memory and are written by
 * `flush` (the node calls it on a short tick and at shutdown) or once a megabyte is
 * waiting; a SIGKILL loses at most the last tick's items, and since items are written in
 * order what survives is a consistent prefix. A write error disables the recorder with one
 * report rather than stopping the node: the node's work matters more than its recording.
 */
export class LiveRecorder {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private fd: number | undefined

  private constructor(
    fd: number,
    readonly path: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.fd = fd
  }

  /** Opens the next segment file under `dir` and writes its header (segment number filled in). */
  static open(dir: string, header: Omit<SegmentHeader, 'segment'>, onError: (error: Error) => void): LiveRecorder {
    mkdirSync(dir, { recursive: true })
    const segment = segmentFiles(dir).length + 1
    const path = join(dir, `${String(segment).padStart(6, '0')}.cbors`)
    const recorder = new LiveRecorder(openSync(path, 'wx'), path, onError)
    recorder.append({ ...header, segment })
    recorder.flush()
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
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    if (this.pendingBytes >= FLUSH_BYTES) this.flush()
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
