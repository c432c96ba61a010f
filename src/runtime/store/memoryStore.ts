import type { RandomService, StoreService } from '../services.ts'
import { checkKeyPrefix, checkStoreKey, compareKeysBytewise } from './storeKeys.ts'

/** Marks a delete that has not been synced yet: it must hide the durable value, and a crash must be able to undo it. */
const TOMBSTONE = Symbol('tombstone')

export interface MemoryStoreStats {
  /** Live keys, as `get` sees them. */
  readonly keys: number
  /** UTF-8 key bytes plus value bytes of the live keys. */
  readonly bytes: number
  /** Keys written (put or deleted) since the last sync: what a crash would lose. */
  readonly unsyncedWrites: number
  /** Reads that returned a corrupted copy, since creation. */
  readonly corruptedReads: number
  /** Unsynced writes dropped by crashes, since creation. */
  readonly lostWrites: number
}

/**
 * The simulation's store: a durable layer and an unsynced layer on top of it, so the
 * simulator can inject the storage faults a real disk has — losing writes that were
 * never synced, and returning corrupted bytes on read. Values are copied in and out, so
 * no caller can change stored bytes by mutating an array (LMDB behaves the same way).
 */
export class MemoryStore implements StoreService {
  private readonly durable = new Map<string, Uint8Array>()
  private readonly unsynced = new Map<string, Uint8Array | typeof TOMBSTONE>()
  private corruption: { readonly probability: number; readonly random: RandomService } | undefined
  private corruptedReads = 0
  private lostWrites = 0

  get(key: string): Uint8Array | undefined {
    checkStoreKey(key)
    const value = this.current(key)
    if (value === undefined) return undefined
    return this.maybeCorrupted(value) ?? new Uint8Array(value)
  }

  put(key: string, value: Uint8Array): void {
    checkStoreKey(key)
    // A copy, not `slice()`: on a Buffer, `slice()` is a view of the caller's memory.
    this.unsynced.set(key, new Uint8Array(value))
  }

  delete(key: string): void {
    checkStoreKey(key)
    this.unsynced.set(key, TOMBSTONE)
  }

  keys(prefix: string): string[] {
    checkKeyPrefix(prefix)
    const found: string[] = []
    for (const key of this.durable.keys()) {
      if (key.startsWith(prefix) && !this.unsynced.has(key)) found.push(key)
    }
    for (const [key, value] of this.unsynced) {
      if (key.startsWith(prefix) && value !== TOMBSTONE) found.push(key)
    }
    return found.sort(compareKeysBytewise)
  }

  sync(): void {
    for (const [key, value] of this.unsynced) {
      if (value === TOMBSTONE) this.durable.delete(key)
      else this.durable.set(key, value)
    }
    this.unsynced.clear()
  }

  /**
   * What a node crash does to this store. With `loseUnsynced`, writes since the last sync
   * are gone (the disk never got them); without, they survive (the OS flushed them).
   */
  crash(loseUnsynced: boolean): void {
    if (!loseUnsynced) return
    this.lostWrites += this.unsynced.size
    this.unsynced.clear()
  }

  /**
   * From now on each read of a non-empty value returns, with this probability, a copy
   * with one bit flipped; the stored bytes stay intact, as with a flaky disk or bus.
   * Probability 0 turns corruption off and draws nothing from `random`.
   */
  setReadCorruption(probability: number, random: RandomService): void {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`corruption probability must be in [0, 1], got ${probability}`)
    this.corruption = probability > 0 ? { probability, random } : undefined
  }

  stats(): MemoryStoreStats {
    let keys = 0
    let bytes = 0
    const count = (key: string, value: Uint8Array): void => {
      keys++
      bytes += Buffer.byteLength(key, 'utf8') + value.byteLength
    }
    for (const [key, value] of this.durable) if (!this.unsynced.has(key)) count(key, value)
    for (const [key, value] of this.unsynced) if (value !== TOMBSTONE) count(key, value)
    return { keys, bytes, unsyncedWrites: this.unsynced.size, corruptedReads: this.corruptedReads, lostWrites: this.lostWrites }
  }

  private current(key: string): Uint8Array | undefined {
    const pending = this.unsynced.get(key)
    if (pending === TOMBSTONE) return undefined
    return pending ?? this.durable.get(key)
  }

  private maybeCorrupted(value: Uint8Array): Uint8Array | undefined {
    const corruption = this.corruption
    if (corruption === undefined || value.byteLength === 0) return undefined
    if (corruption.random.next() >= corruption.probability) return undefined
    const bit = corruption.random.int(value.byteLength * 8)
    const copy = new Uint8Array(value)
    copy[bit >>> 3] = copy[bit >>> 3]! ^ (1 << (bit & 7))
    this.corruptedReads++
    return copy
  }
}
