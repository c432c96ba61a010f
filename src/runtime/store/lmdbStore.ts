import { Data } from 'effect'
import { open, type RootDatabase } from 'lmdb'
import fs from 'node:fs'
import path from 'node:path'
import type { StoreService } from '../services.ts'
import { checkKeyPrefix, checkStoreKey, compareKeysBytewise } from './storeKeys.ts'
import { WriteAheadLog } from './writeAheadLog.ts'

/**
 * The process-mode store (and the simulation's on-disk option), over LMDB.
 *
 * Durability point: a write is durable once `sync()` (or `close()`) has returned, or
 * once an automatic flush of a large overlay has committed it. Writes go first to an
 * in-memory overlay, visible to reads at once; `sync()` appends the whole overlay as one
 * record to the store's write-ahead log (writeAheadLog.ts) and returns only after that
 * record is flushed to disk. So a killed process loses exactly the writes made since its
 * last sync, and a guard written before `sync()` (e.g. "signed a vote at height h") is on
 * disk before the vote leaves.
 *
 * Why an overlay rather than a durable put per write: each flush costs a disk round
 * trip, while one flush of 1000 writes costs about as much as one of a single write.
 * Why a log in front of LMDB: an LMDB commit flushes twice (data pages, then the meta
 * page) and rewrites B-tree pages, ~320 µs here (~700 µs with four processes flushing
 * at once), where one record in a preallocated log is one write and one fdatasync
 * (~120 µs, ~230 µs). A validator syncs before every vote, so this is on the path of
 * every height. Logged writes stay readable from memory; when the log is full, and at
 * `close()`, they are committed to LMDB in one transaction with the number of the last
 * record it covers, and the log starts again. Opening a store replays the records above
 * that number and commits them.
 *
 * Damaged files: lmdb-js 3.5.6 kills the process (SIGSEGV) instead of reporting LMDB's
 * "invalid" error when the data file does not start with a meta page, so `open` checks
 * that header first and throws StoreOpenError. Damage deeper in the file (a truncated
 * or torn page) still faults inside the memory map; that needs a restore, not a retry.
 */

export class StoreOpenError extends Data.TaggedError('StoreOpenError')<{ readonly path: string; readonly detail: string }> {}

export interface LmdbStoreOptions {
  /** Commit by itself once the overlay holds this many keys, to bound memory. Default 1000. */
  readonly flushThreshold?: number
  /** Size of the write-ahead log file; logged writes are committed to LMDB when it is full. Default 1 MiB. */
  readonly logBytes?: number
}

const DEFAULT_FLUSH_THRESHOLD = 1000
const DEFAULT_LOG_BYTES = 1 << 20
const LOG_FILE = 'strata.wal'

/**
 * The data file's first page, as lmdb-js's bundled LMDB writes it: a 24-byte page header
 * whose flags (offset 18) mark a meta page, then the meta record, starting with its magic.
 * A file holds at least two meta pages of at least 4 KiB.
 */
const META_FLAGS_OFFSET = 18
const P_META = 0x08
const META_MAGIC_OFFSET = 24
const MDB_MAGIC = 0xbeefc0de
const MIN_DATA_FILE_BYTES = 2 * 4096

/** Says what is wrong with an existing, non-empty data file that LMDB cannot open safely, or undefined. */
const damagedDataFile = (dir: string): string | undefined => {
  const file = path.join(dir, 'data.mdb')
  let handle: number
  try {
    handle = fs.openSync(file, 'r')
  } catch {
    return undefined // no data file yet (or no directory): LMDB creates it, or reports why not
  }
  try {
    const size = fs.fstatSync(handle).size
    if (size === 0) return undefined
    if (size < MIN_DATA_FILE_BYTES) return `${file} is ${size} bytes, too short for an LMDB data file`
    const header = Buffer.alloc(META_MAGIC_OFFSET + 4)
    fs.readSync(handle, header, 0, header.length, 0)
    const isMeta = (header.readUInt16LE(META_FLAGS_OFFSET) & P_META) !== 0
    if (!isMeta || header.readUInt32LE(META_MAGIC_OFFSET) !== MDB_MAGIC) return `${file} does not start with an LMDB meta page`
    return undefined
  } finally {
    fs.closeSync(handle)
  }
}

/**
 * Keys are stored as their raw UTF-8 bytes ('binary' key encoding): LMDB's bytewise
 * order is then exactly the order `keys()` promises. lmdb-js's default 'ordered-binary'
 * encoding would escape control characters and change that order.
 */
const encodeKey = (key: string): Buffer => Buffer.from(key, 'utf8')

/**
 * Where LMDB keeps the number of the last log record it holds. 0xff starts no UTF-8
 * string, so no store key can collide with it, and it sorts after them all.
 */
const APPLIED_KEY = Buffer.from([0xff, 0x01])
const isStoreKey = (raw: Buffer): boolean => raw[0] !== 0xff

/** A plain Uint8Array over the same memory, so both stores hand out the same type. */
const asPlainBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export class LmdbStore implements StoreService {
  /** Writes not yet durable; null marks a delete, which must hide the durable value. */
  private readonly overlay = new Map<string, Uint8Array | null>()
  /** Writes durable in the log but not yet in LMDB, read before LMDB. */
  private readonly logged = new Map<string, Uint8Array | null>()

  private constructor(
    private readonly db: RootDatabase<Uint8Array, Buffer>,
    private readonly log: WriteAheadLog,
    private readonly flushThreshold: number,
  ) {}

  /** Opens (creating if needed) the store in directory `dir`, replaying its log. Throws StoreOpenError. */
  static open(dir: string, options: LmdbStoreOptions = {}): LmdbStore {
    const flushThreshold = options.flushThreshold ?? DEFAULT_FLUSH_THRESHOLD
    if (!Number.isInteger(flushThreshold) || flushThreshold < 1) throw new RangeError(`flushThreshold must be a positive integer, got ${flushThreshold}`)
    const logBytes = options.logBytes ?? DEFAULT_LOG_BYTES
    if (!Number.isInteger(logBytes) || logBytes < 1) throw new RangeError(`logBytes must be a positive integer, got ${logBytes}`)
    const damage = damagedDataFile(dir)
    if (damage !== undefined) throw new StoreOpenError({ path: dir, detail: `${damage}; restore the directory from a backup or remove it` })
    let db: RootDatabase<Uint8Array, Buffer>
    try {
      // noSubdir false: lmdb-js would otherwise treat a directory named like "node.1" as a file.
      db = open<Uint8Array, Buffer>({ path: dir, noSubdir: false, encoding: 'binary', keyEncoding: 'binary' })
    } catch (error) {
      throw new StoreOpenError({ path: dir, detail: error instanceof Error ? error.message : String(error) })
    }
    try {
      const { log, unapplied } = WriteAheadLog.open(path.join(dir, LOG_FILE), logBytes, appliedMark(db))
      const store = new LmdbStore(db, log, flushThreshold)
      for (const writes of unapplied) for (const [key, value] of writes) store.logged.set(key, value)
      if (unapplied.length > 0) store.checkpoint(log.lastSeq)
      return store
    } catch (error) {
      // The log's error is the one to report, not whatever closing says.
      db.close().catch(() => undefined)
      throw new StoreOpenError({ path: dir, detail: error instanceof Error ? error.message : String(error) })
    }
  }

  get(key: string): Uint8Array | undefined {
    checkStoreKey(key)
    // Never undefined for a key a map holds: null is a delete.
    let pending = this.overlay.get(key)
    if (pending === undefined) pending = this.logged.get(key)
    if (pending === null) return undefined
    if (pending !== undefined) return new Uint8Array(pending)
    // lmdb-js returns a fresh copy for 'binary' values, never the shared read buffer.
    const stored = this.db.get(encodeKey(key))
    return stored === undefined ? undefined : asPlainBytes(stored)
  }

  put(key: string, value: Uint8Array): void {
    checkStoreKey(key)
    // A copy, not `slice()`: on a Buffer, `slice()` is a view of the caller's memory.
    this.overlay.set(key, new Uint8Array(value))
    this.flushIfLarge()
  }

  delete(key: string): void {
    checkStoreKey(key)
    this.overlay.set(key, null)
    this.flushIfLarge()
  }

  keys(prefix: string): string[] {
    checkKeyPrefix(prefix)
    const found: string[] = []
    const start = prefix === '' ? undefined : encodeKey(prefix)
    for (const raw of this.db.getKeys(start === undefined ? {} : { start })) {
      if (!isStoreKey(raw)) break
      const key = raw.toString('utf8')
      // Keys come in bytewise order, so the first one without the prefix ends the range.
      if (!key.startsWith(prefix)) break
      if (!this.overlay.has(key) && !this.logged.has(key)) found.push(key)
    }
    for (const [key, value] of this.logged) {
      if (key.startsWith(prefix) && value !== null && !this.overlay.has(key)) found.push(key)
    }
    for (const [key, value] of this.overlay) {
      if (key.startsWith(prefix) && value !== null) found.push(key)
    }
    return found.sort(compareKeysBytewise)
  }

  /** Appends the overlay to the log and returns once it is on disk (or commits it to LMDB, when the log is full). */
  sync(): void {
    if (this.overlay.size === 0) return
    if (!this.log.append(this.overlay)) {
      this.checkpoint(this.log.lastSeq)
      return
    }
    for (const [key, value] of this.overlay) this.logged.set(key, value)
    // Cleared only once durable: if a write throws, no write is lost and sync can be retried.
    this.overlay.clear()
  }

  /** Commits the overlay if it has reached the flush threshold; says whether it did. */
  flushIfLarge(): boolean {
    if (this.overlay.size < this.flushThreshold) return false
    this.sync()
    return true
  }

  /** Keys written (put or deleted) since the last commit: what a crash would lose. */
  get unsyncedWrites(): number {
    return this.overlay.size
  }

  /** Makes every write durable in LMDB itself, then closes the database. */
  async close(): Promise<void> {
    this.checkpoint(this.log.lastSeq)
    this.log.close()
    await this.db.close()
  }

  /**
   * What a killed process leaves behind, for simulations that keep stores on disk: the
   * overlay is dropped uncommitted, the log and the database closed. Reopen the
   * directory to recover.
   */
  async crash(): Promise<void> {
    this.overlay.clear()
    this.logged.clear()
    this.log.close()
    await this.db.close()
  }

  /**
   * Commits the logged writes, then the overlay, to LMDB in one transaction flushed to
   * disk before returning, with `applied`: the last log record it covers. The log then
   * starts again from its beginning.
   */
  private checkpoint(applied: number): void {
    if (this.logged.size === 0 && this.overlay.size === 0) return
    // Default flags: synchronous commit that waits for the flush (lmdb-js's overlappingSync
    // otherwise lets a commit return before it is on disk).
    this.db.transactionSync(() => {
      for (const writes of [this.logged, this.overlay]) {
        for (const [key, value] of writes) {
          if (value === null) this.db.removeSync(encodeKey(key))
          else this.db.putSync(encodeKey(key), value)
        }
      }
      this.db.putSync(APPLIED_KEY, encodeApplied(applied))
    })
    // Cleared only after the commit: if it throws, no write is lost.
    this.logged.clear()
    this.overlay.clear()
    this.log.restart()
  }
}

const encodeApplied = (seq: number): Uint8Array => {
  const bytes = Buffer.alloc(8)
  bytes.writeDoubleLE(seq)
  return bytes
}

/** The last log record LMDB holds (0: none yet). */
const appliedMark = (db: RootDatabase<Uint8Array, Buffer>): number => {
  const stored = db.get(APPLIED_KEY)
  return stored === undefined || stored.length !== 8 ? 0 : Buffer.from(stored.buffer, stored.byteOffset, 8).readDoubleLE(0)
}
