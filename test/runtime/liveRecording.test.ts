import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Either } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportLiveTrace, isLiveTraceFile, readLiveTrace } from '../../src/runtime/live/liveTraceFile.ts'
import { LiveRecorder, recordingDir, segmentFiles, snapshotStores, type RecordingLimit } from '../../src/runtime/live/recorder.ts'
import { SEGMENT_FORMAT, SEGMENT_FORMAT_VERSION, type RecordedItem } from '../../src/runtime/live/recording.ts'
import { MemoryStore } from '../../src/runtime/store/memoryStore.ts'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-recording-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const headerFor = (node: string) => {
  const store = new MemoryStore()
  store.put('guard', new Uint8Array([1, 2, 3]))
  store.sync()
  return {
    format: SEGMENT_FORMAT,
    formatVersion: SEGMENT_FORMAT_VERSION,
    network: 'net',
    node,
    runSeed: 42,
    codeVersion: 'test',
    startedAt: 1_000,
    networkFile: { path: 'network.yaml', text: 'nodes: []\n' },
    stores: snapshotStores(new Map([[node, store]])),
  } as const
}

const run = (node: string, items: readonly RecordedItem[], limit?: RecordingLimit): string | undefined => {
  const recorder = LiveRecorder.open(
    recordingDir(join(dir, node)),
    headerFor(node),
    (e) => {
      throw e
    },
    limit,
  )
  if (recorder === undefined) return undefined
  for (const item of items) recorder.record(item)
  recorder.close()
  return recorder.path
}

describe('live recording segments', () => {
  it('numbers one segment per run and exports them, in order, as one live trace', () => {
    run('a', [['start', 1_000, 'a'], ['sent', 'a', 'message', new Uint8Array([9])], ['stop', 2_000]])
    run('a', [['start', 3_000, 'a'], ['stop', 4_000]])
    run('b', [['start', 1_500, 'b'], ['timer', 1_600, 'b', 'tick', 1], ['report', 'b', 'x', new Uint8Array([0xf6])], ['stop', 2_500]])
    expect(segmentFiles(recordingDir(join(dir, 'a'))).map((p) => p.slice(-12))).toEqual(['000001.cbors', '000002.cbors'])

    const out = join(dir, 'trace.cbors')
    const exported = exportLiveTrace('net', [{ id: 'a', dataDir: join(dir, 'a') }, { id: 'b', dataDir: join(dir, 'b') }], out, 'test')
    expect(Either.getOrThrow(exported)).toMatchObject({ nodes: 2, segments: 3, items: 9, cut: [] })
    expect(isLiveTraceFile(out)).toBe(true)
    const trace = Either.getOrThrow(readLiveTrace(out))
    expect(trace.segments.map((s) => `${s.header.node}#${s.header.segment} ${s.items.length} ${s.complete}`)).toEqual(['a#1 3 true', 'a#2 2 true', 'b#1 4 true'])
    expect(trace.segments[0]!.header.stores).toEqual({ a: [['guard', new Uint8Array([1, 2, 3])]] })
    expect(trace.segments[2]!.items[1]).toEqual(['timer', 1_600, 'b', 'tick', 1])
  })

  it('keeps the complete prefix of a segment cut mid-item (a SIGKILL) and marks it cut', () => {
    const path = run('a', [['start', 1_000, 'a'], ['deliver', 1_100, 'a', new Uint8Array(300).fill(7)], ['stop', 2_000]])!
    // Cut inside the delivery: the start survives, the delivery and the stop do not.
    truncateSync(path, statSync(path).size - 150)
    const out = join(dir, 'trace.cbors')
    const exported = Either.getOrThrow(exportLiveTrace('net', [{ id: 'a', dataDir: join(dir, 'a') }], out, 'test'))
    expect(exported.cut).toEqual(['a segment 1'])
    const [segment] = Either.getOrThrow(readLiveTrace(out)).segments
    expect(segment!.items).toEqual([['start', 1_000, 'a']])
    expect(segment!.complete).toBe(false)
  })

  it('stops at its limit over all segments, keeping a replayable prefix, and says so once', () => {
    const reached: number[] = []
    const limit = (bytes: number): RecordingLimit => ({ bytes, onReached: (used) => void reached.push(used) })
    const ticks = (from: number): RecordedItem[] => Array.from({ length: 50 }, (_, i) => ['timer', from + i, 'a', 'tick', i] as const)
    const first = run('a', [['start', 1_000, 'a'], ...ticks(1_001), ['stop', 2_000]], limit(1 << 20))!
    const firstSize = statSync(first).size
    expect(reached).toEqual([])

    // The second run may add 300 bytes: its header and some ticks, then the limit.
    run('a', [['start', 5_000, 'a'], ...ticks(5_001)], limit(firstSize + 300))
    const second = segmentFiles(recordingDir(join(dir, 'a')))[1]!
    expect(reached).toHaveLength(1)
    expect(reached[0]).toBeLessThanOrEqual(firstSize + 300)
    expect(firstSize + statSync(second).size).toBe(reached[0])
    Either.getOrThrow(exportLiveTrace('net', [{ id: 'a', dataDir: join(dir, 'a') }], join(dir, 't.cbors'), 'test'))
    const trace = Either.getOrThrow(readLiveTrace(join(dir, 't.cbors')))
    // The second segment ends where the limit stopped it, as one a SIGKILL cut would.
    expect(trace.segments.map((seg) => seg.complete)).toEqual([true, false])
    expect(trace.segments[1]!.items.length).toBeGreaterThan(0)
    expect(trace.segments[1]!.items.length).toBeLessThan(51)

    // At the limit already: no third segment, and the node is told.
    expect(run('a', [['start', 9_000, 'a']], limit(firstSize + 300))).toBeUndefined()
    expect(segmentFiles(recordingDir(join(dir, 'a')))).toHaveLength(2)
    expect(reached).toHaveLength(2)
  })

  it('refuses what is not a live trace, and a segment of another node', () => {
    const junk = join(dir, 'junk')
    writeFileSync(junk, 'not cbor at all')
    expect(isLiveTraceFile(junk)).toBe(false)
    expect(Either.isLeft(readLiveTrace(junk))).toBe(true)
    expect(readLiveTrace(join(dir, 'missing')).pipe(Either.flip, Either.getOrThrow).message).toMatch(/cannot read it/)

    run('a', [['stop', 1]])
    const wrong = exportLiveTrace('net', [{ id: 'b', dataDir: join(dir, 'a') }], join(dir, 'out'), 'test')
    expect(Either.flip(wrong).pipe(Either.getOrThrow).message).toMatch(/recorded by a of network net, not b of net/)
    expect(Either.flip(exportLiveTrace('net', [{ id: 'c', dataDir: join(dir, 'c') }], join(dir, 'out'), 'test')).pipe(Either.getOrThrow).message).toMatch(/no node has recorded anything/)
  })
})
