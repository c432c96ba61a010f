import fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { SeededRandom } from '../../src/runtime/random.ts'
import type { RandomService, StoreService } from '../../src/runtime/services.ts'
import { LmdbStore, StoreOpenError } from '../../src/runtime/store/lmdbStore.ts'
import { MemoryStore } from '../../src/runtime/store/memoryStore.ts'
import { compareKeysBytewise, InvalidStoreKey, MAX_KEY_BYTES } from '../../src/runtime/store/storeKeys.ts'

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

/** The oracle for key order: compare the encoded bytes themselves. */
const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

const tempDirs: string[] = []
const freshDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-store-'))
  tempDirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** One store under test, with the two ways its node can go down. */
interface Subject {
  readonly store: StoreService
  /** The node stops cleanly (which syncs) and starts again: everything written survives. */
  restart(): Promise<Subject>
  /** The node is killed and starts again: writes since the last commit are lost. */
  crash(): Promise<Subject>
  dispose(): Promise<void>
  /** After this many pending keys the store commits by itself (LmdbStore); never for MemoryStore. */
  readonly autoCommitAt: number
}

const memorySubject = (store = new MemoryStore()): Subject => ({
  store,
  restart: async () => {
    store.sync()
    return memorySubject(store)
  },
  crash: async () => {
    store.crash(true)
    return memorySubject(store)
  },
  dispose: async () => {},
  autoCommitAt: Number.POSITIVE_INFINITY,
})

const lmdbSubject = (dir: string, flushThreshold = 1000, logBytes = 1 << 20): Subject => {
  const store = LmdbStore.open(dir, { flushThreshold, logBytes })
  return {
    store,
    restart: async () => {
      await store.close()
      return lmdbSubject(dir, flushThreshold, logBytes)
    },
    crash: async () => {
      await store.crash()
      return lmdbSubject(dir, flushThreshold, logBytes)
    },
    dispose: () => store.close(),
    autoCommitAt: flushThreshold,
  }
}

/** `logBytes`: the LmdbStore's write-ahead log; a small one fills (and is committed to LMDB) every few syncs. */
const implementations: ReadonlyArray<{ readonly name: string; readonly open: (flushThreshold?: number, logBytes?: number) => Subject }> = [
  { name: 'MemoryStore', open: () => memorySubject() },
  { name: 'LmdbStore', open: (flushThreshold, logBytes) => lmdbSubject(freshDir(), flushThreshold, logBytes) },
]

/** Runs `body` on a fresh subject and always disposes of the one it ends with. */
const withSubject = async (open: () => Subject, body: (subject: Subject) => Promise<Subject | void>): Promise<void> => {
  const first = open()
  let last = first
  try {
    last = (await body(first)) ?? first
  } finally {
    await last.dispose()
  }
}

describe.each(implementations)('StoreService contract: $name', ({ open }) => {
  it('puts, gets, overwrites and deletes', () =>
    withSubject(open, async ({ store }) => {
      expect(store.get('a')).toBeUndefined()
      store.put('a', bytes(1, 2))
      expect(store.get('a')).toEqual(bytes(1, 2))
      store.put('a', bytes(3))
      expect(store.get('a')).toEqual(bytes(3))
      store.put('empty', bytes())
      expect(store.get('empty')).toEqual(bytes())
      store.delete('a')
      store.delete('never-written')
      expect(store.get('a')).toBeUndefined()
      expect(store.keys('')).toEqual(['empty'])
    }))

  it('makes writes visible before sync, and deletes hide synced values before sync', () =>
    withSubject(open, async ({ store }) => {
      store.put('k', bytes(1))
      store.sync()
      store.put('k', bytes(2))
      store.put('new', bytes(3))
      expect(store.get('k')).toEqual(bytes(2))
      expect(store.keys('')).toEqual(['k', 'new'])
      store.delete('k')
      expect(store.get('k')).toBeUndefined()
      expect(store.keys('')).toEqual(['new'])
      store.sync()
      expect(store.get('k')).toBeUndefined()
      expect(store.get('new')).toEqual(bytes(3))
    }))

  it('lists keys by prefix in UTF-8 byte order, not UTF-16 order', () =>
    withSubject(open, async (subject) => {
      // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16 code units.
      const keys = ['b', 'a\u{1F600}', 'a\uFF5E', 'a', 'ab', 'a\u0001', 'é', 'B']
      keys.forEach((key, i) => subject.store.put(key, bytes(i)))
      const expected = keys.slice().sort(utf8Order)
      expect(subject.store.keys('')).toEqual(expected)
      expect(subject.store.keys('a')).toEqual(expected.filter((k) => k.startsWith('a')))
      expect(subject.store.keys('ab')).toEqual(['ab'])
      expect(subject.store.keys('c')).toEqual([])
      subject.store.sync()
      subject.store.put('aa', bytes(9))
      expect(subject.store.keys('a')).toEqual([...expected.filter((k) => k.startsWith('a')), 'aa'].sort(utf8Order))
    }))

  it('copies values in and out, so callers cannot change stored bytes', () =>
    withSubject(open, async ({ store }) => {
      const written = Buffer.from([1, 2, 3])
      store.put('k', written)
      written[0] = 99
      const read = store.get('k')!
      read[1] = 99
      expect(store.get('k')).toEqual(bytes(1, 2, 3))
      store.sync()
      store.get('k')![2] = 99
      expect(store.get('k')).toEqual(bytes(1, 2, 3))
    }))

  it('keeps every write across a clean restart', () =>
    withSubject(open, async (subject) => {
      subject.store.put('synced', bytes(1))
      subject.store.sync()
      subject.store.put('unsynced', bytes(2))
      const after = await subject.restart()
      expect(after.store.get('synced')).toEqual(bytes(1))
      expect(after.store.get('unsynced')).toEqual(bytes(2))
      return after
    }))

  it('loses unsynced writes in a crash and keeps synced ones', () =>
    withSubject(open, async (subject) => {
      subject.store.put('synced', bytes(1))
      subject.store.put('deleted-later', bytes(2))
      subject.store.sync()
      subject.store.put('synced', bytes(9))
      subject.store.put('unsynced', bytes(3))
      subject.store.delete('deleted-later')
      const after = await subject.crash()
      expect(after.store.get('synced')).toEqual(bytes(1))
      expect(after.store.get('deleted-later')).toEqual(bytes(2))
      expect(after.store.get('unsynced')).toBeUndefined()
      expect(after.store.keys('')).toEqual(['deleted-later', 'synced'])
      return after
    }))

  it('rejects keys that no store can hold', () =>
    withSubject(open, async ({ store }) => {
      for (const key of ['', 'lone\uD800', '\uDC00x', 'x'.repeat(MAX_KEY_BYTES + 1), 'é'.repeat(MAX_KEY_BYTES / 2 + 1)]) {
        expect(() => store.put(key, bytes(1))).toThrow(InvalidStoreKey)
        expect(() => store.get(key)).toThrow(InvalidStoreKey)
        expect(() => store.delete(key)).toThrow(InvalidStoreKey)
      }
      expect(() => store.keys('\uD800')).toThrow(InvalidStoreKey)
      store.put('x'.repeat(MAX_KEY_BYTES), bytes(1))
      store.sync()
      expect(store.get('x'.repeat(MAX_KEY_BYTES))).toEqual(bytes(1))
    }))

  it('matches a Map model under random puts, deletes, syncs, crashes and restarts', async () => {
    const key = fc.constantFrom('a', 'ab', 'b', 'a\u0000', 'é', '\u{1F600}', '\uFF5E', 'z')
    const op = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), key, value: fc.uint8Array({ maxLength: 4 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'sync' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40, size: 'max' }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(40, 120, 1 << 20), async (ops, flushThreshold, logBytes) => {
        const durable = new Map<string, Uint8Array>()
        const pending = new Map<string, Uint8Array | null>()
        const commit = (): void => {
          for (const [k, v] of pending) {
            if (v === null) durable.delete(k)
            else durable.set(k, v)
          }
          pending.clear()
        }
        await withSubject(
          () => open(flushThreshold, logBytes),
          async (start) => {
            let subject = start
            for (const step of ops) {
              if (step.kind === 'put' || step.kind === 'delete') {
                if (step.kind === 'put') subject.store.put(step.key, step.value)
                else subject.store.delete(step.key)
                pending.set(step.key, step.kind === 'put' ? step.value : null)
                if (pending.size >= subject.autoCommitAt) commit()
              } else if (step.kind === 'sync') {
                subject.store.sync()
                commit()
              } else if (step.kind === 'crash') {
                subject = await subject.crash()
                pending.clear()
              } else {
                subject = await subject.restart()
                commit()
              }
              const visible = new Map(durable)
              for (const [k, v] of pending) {
                if (v === null) visible.delete(k)
                else visible.set(k, v)
              }
              expect(subject.store.keys('')).toEqual([...visible.keys()].sort(utf8Order))
              expect(subject.store.keys('a')).toEqual([...visible.keys()].filter((k) => k.startsWith('a')).sort(utf8Order))
              for (const [k, v] of visible) expect(subject.store.get(k)).toEqual(v)
            }
            return subject
          },
        )
      }),
      { numRuns: 60 },
    )
  })
})

describe('compareKeysBytewise', () => {
  it('orders any well-formed strings exactly as their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString(), fc.fullUnicodeString(), (a, b) => {
        expect(Math.sign(compareKeysBytewise(a, b))).toBe(Math.sign(utf8Order(a, b)))
      }),
      { numRuns: 2000 },
    )
  })
})

/** Counts draws, to show that corruption off costs the stream nothing. */
const countingRandom = (inner: RandomService): RandomService & { draws: number } => {
  const counting = {
    draws: 0,
    next: () => (counting.draws++, inner.next()),
    int: (n: number) => (counting.draws++, inner.int(n)),
    bytes: (n: number) => (counting.draws++, inner.bytes(n)),
    shuffle: <T>(items: readonly T[]) => (counting.draws++, inner.shuffle(items)),
  }
  return counting
}

const bitDistance = (a: Uint8Array, b: Uint8Array): number => {
  let bits = 0
  for (let i = 0; i < a.length; i++) for (let x = a[i]! ^ b[i]!; x !== 0; x >>>= 1) bits += x & 1
  return bits
}

describe('MemoryStore read corruption', () => {
  it('flips exactly one bit of a copy, and leaves the stored value intact', () => {
    const store = new MemoryStore()
    const value = bytes(0x00, 0xff, 0x5a, 0xa5, 0x01)
    store.put('k', value)
    store.sync()
    store.setReadCorruption(1, new SeededRandom(1))
    for (let i = 0; i < 200; i++) {
      const read = store.get('k')!
      expect(read).toHaveLength(value.length)
      expect(bitDistance(read, value)).toBe(1)
    }
    store.setReadCorruption(0, new SeededRandom(1))
    expect(store.get('k')).toEqual(value)
    expect(store.stats().corruptedReads).toBe(200)
  })

  it('corrupts reads at the configured rate', () => {
    const store = new MemoryStore()
    store.put('k', new Uint8Array(64).fill(7))
    store.setReadCorruption(0.1, new SeededRandom(2))
    const reads = 20_000
    let corrupted = 0
    for (let i = 0; i < reads; i++) if (bitDistance(store.get('k')!, new Uint8Array(64).fill(7)) > 0) corrupted++
    // The standard deviation of the rate is about 0.002 here; allow five of them.
    expect(Math.abs(corrupted / reads - 0.1)).toBeLessThan(0.01)
    expect(store.stats().corruptedReads).toBe(corrupted)
  })

  it('draws no randomness when off, nor for missing or empty values', () => {
    const store = new MemoryStore()
    store.put('empty', bytes())
    const random = countingRandom(new SeededRandom(3))
    store.setReadCorruption(0, random)
    store.put('k', bytes(1))
    store.get('k')
    store.setReadCorruption(1, random)
    store.get('missing')
    expect(store.get('empty')).toEqual(bytes())
    expect(random.draws).toBe(0)
    expect(store.stats().corruptedReads).toBe(0)
  })

  it('rejects a probability outside [0, 1]', () => {
    const store = new MemoryStore()
    for (const p of [-0.1, 1.1, Number.NaN]) expect(() => store.setReadCorruption(p, new SeededRandom(1))).toThrow(RangeError)
  })
})

describe('MemoryStore figures and crash modes', () => {
  it('counts live keys, their bytes, pending writes and lost writes', () => {
    const store = new MemoryStore()
    store.put('ab', bytes(1, 2, 3))
    store.put('é', bytes(4))
    store.sync()
    store.delete('ab')
    store.put('c', bytes(5, 6))
    expect(store.stats()).toEqual({ keys: 2, bytes: 2 + 1 + 1 + 2, unsyncedWrites: 2, corruptedReads: 0, lostWrites: 0 })
    store.crash(true)
    expect(store.stats()).toEqual({ keys: 2, bytes: 2 + 3 + 2 + 1, unsyncedWrites: 0, corruptedReads: 0, lostWrites: 2 })
  })

  it('keeps unsynced writes through a crash that does not lose them', () => {
    const store = new MemoryStore()
    store.put('k', bytes(1))
    store.crash(false)
    expect(store.get('k')).toEqual(bytes(1))
    expect(store.stats().lostWrites).toBe(0)
  })
})

/** What opening `dir` throws, or undefined when it opens. */
const openError = (dir: string): unknown => {
  try {
    LmdbStore.open(dir)
  } catch (caught) {
    return caught
  }
  return undefined
}

describe('LmdbStore', () => {
  it('commits by itself once the overlay reaches the flush threshold', async () => {
    const dir = freshDir()
    const store = LmdbStore.open(dir, { flushThreshold: 3 })
    store.put('a', bytes(1))
    store.put('b', bytes(2))
    expect(store.unsyncedWrites).toBe(2)
    store.put('c', bytes(3))
    expect(store.unsyncedWrites).toBe(0)
    store.put('d', bytes(4))
    await store.crash()
    const reopened = LmdbStore.open(dir)
    expect(reopened.keys('')).toEqual(['a', 'b', 'c'])
    await reopened.close()
  })

  /** One record of the store's write-ahead log for a put of a one-byte key and a one-byte value. */
  const ONE_BYTE_PUT_RECORD = 20 + 2 + 1 + 4 + 1

  it('keeps synced writes through a crash in its log, and commits them to LMDB when reopened', async () => {
    const dir = freshDir()
    const store = LmdbStore.open(dir)
    store.put('a', bytes(1))
    store.sync()
    store.delete('a')
    store.put('b', bytes(2))
    store.sync()
    await store.crash()
    const reopened = LmdbStore.open(dir)
    expect(reopened.keys('')).toEqual(['b'])
    await reopened.crash()
    // The replay was committed: the log's next lap overwrites those records, and nothing is lost.
    const again = LmdbStore.open(dir, { logBytes: ONE_BYTE_PUT_RECORD })
    again.put('c', bytes(3))
    again.sync()
    await again.crash()
    const last = LmdbStore.open(dir)
    expect(last.keys('')).toEqual(['b', 'c'])
    await last.close()
  })

  it('never replays the records of an earlier lap of its log over newer values', async () => {
    const dir = freshDir()
    const store = LmdbStore.open(dir, { logBytes: 3 * ONE_BYTE_PUT_RECORD })
    // Three records fill the log; the fourth sync commits to LMDB; the fifth starts a new lap.
    for (const value of [1, 2, 3, 4, 5]) {
      store.put('k', bytes(value))
      store.sync()
    }
    await store.crash()
    const reopened = LmdbStore.open(dir, { logBytes: 3 * ONE_BYTE_PUT_RECORD })
    expect(reopened.get('k')).toEqual(bytes(5))
    await reopened.close()
  })

  it('replays all of a log written with a larger size than it is reopened with', async () => {
    const dir = freshDir()
    const store = LmdbStore.open(dir)
    for (const key of ['a', 'b', 'c']) {
      store.put(key, bytes(1))
      store.sync()
    }
    await store.crash()
    const reopened = LmdbStore.open(dir, { logBytes: ONE_BYTE_PUT_RECORD })
    expect(reopened.keys('')).toEqual(['a', 'b', 'c'])
    await reopened.close()
  })

  it('ignores a torn last record of its log: that sync never returned', async () => {
    const dir = freshDir()
    const store = LmdbStore.open(dir)
    store.put('k', bytes(1))
    store.sync()
    store.put('k', bytes(2))
    store.sync()
    await store.crash()
    const log = path.join(dir, 'strata.wal')
    const file = fs.readFileSync(log)
    const lastByte = 2 * ONE_BYTE_PUT_RECORD - 1
    file.writeUInt8(file.readUInt8(lastByte) ^ 0xff, lastByte)
    fs.writeFileSync(log, file)
    const reopened = LmdbStore.open(dir)
    expect(reopened.get('k')).toEqual(bytes(1))
    await reopened.close()
  })

  it('reports a typed StoreOpenError for a whole log record whose contents do not parse', () => {
    const dir = freshDir()
    const record = Buffer.alloc(20 + 3)
    record.writeUInt32LE(0x4c575453, 0)
    record.writeUInt32LE(3, 4)
    record.writeUInt32LE(1, 8)
    record.writeUInt16LE(500, 20) // a key longer than the record
    record.writeUInt32LE(zlib.crc32(record.subarray(20), zlib.crc32(record.subarray(0, 16))), 16)
    fs.writeFileSync(path.join(dir, 'strata.wal'), record)
    const error = openError(dir)
    expect(error).toBeInstanceOf(StoreOpenError)
    expect((error as StoreOpenError).detail).toMatch(/strata\.wal: the record at byte 0 is damaged: a key runs past the record/)
  })

  it('opens a directory whose name looks like a file name', async () => {
    const dir = path.join(freshDir(), 'node.1')
    const store = LmdbStore.open(dir)
    store.put('k', bytes(1))
    await store.close()
    expect(fs.statSync(dir).isDirectory()).toBe(true)
  })

  it('reports a typed StoreOpenError when the directory cannot be used', () => {
    const parent = freshDir()
    const file = path.join(parent, 'a-file')
    fs.writeFileSync(file, 'not a directory')
    for (const dir of [path.join(file, 'db'), file]) {
      const error = openError(dir)
      expect(error).toBeInstanceOf(StoreOpenError)
      expect(error).toMatchObject({ _tag: 'StoreOpenError', path: dir })
      expect((error as StoreOpenError).detail).not.toBe('')
    }
  })

  // Each of these files makes lmdb-js 3.5.6 kill the process if it gets to open it.
  it.each([
    ['garbage', Buffer.alloc(16_384, 0xab)],
    ['zeros', Buffer.alloc(16_384)],
    ['too short', Buffer.alloc(100, 0xab)],
  ])('reports a typed StoreOpenError for a data file of %s', (_name, content) => {
    const dir = freshDir()
    fs.writeFileSync(path.join(dir, 'data.mdb'), content)
    expect(() => LmdbStore.open(dir)).toThrow(StoreOpenError)
  })

  it('rejects a flush threshold below one before touching the disk', () => {
    const dir = path.join(freshDir(), 'never-created')
    expect(() => LmdbStore.open(dir, { flushThreshold: 0 })).toThrow(RangeError)
    expect(fs.existsSync(dir)).toBe(false)
  })
})
