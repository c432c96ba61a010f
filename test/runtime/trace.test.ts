import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode, rfc8949EncodeOptions } from 'cborg'
import { Either } from 'effect'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { digestBytes, digestValue, UNDEFINED_DIGEST } from '../../src/runtime/trace/digest.ts'
import type { TraceEvent, TraceHeader } from '../../src/runtime/trace/event.ts'
import { readTraceFile, TraceFileWriter, type TraceFileContents } from '../../src/runtime/trace/file.ts'
import { TraceRecorder } from '../../src/runtime/trace/recorder.ts'
import { TraceHash } from '../../src/runtime/trace/traceHash.ts'
import { mutateField, traceEventOf } from '../support/traceArbitraries.ts'

const text = fc.string({ unit: 'binary', maxLength: 12 })
const traceEvent = traceEventOf(text)
/** Events as a trace file may hold them: times are integers µs in practice, but any number must survive. */
const fileEvent: fc.Arbitrary<TraceEvent> = fc
  .tuple(traceEvent, fc.oneof(fc.maxSafeNat(), fc.integer({ min: -1e12, max: -1 }), fc.double({ noNaN: true, noDefaultInfinity: true })))
  .map(([ev, at]) => ({ ...ev, at: at + 0 /* -0 is stored as 0 */ }))
const FIELDS = ['at', 'seq', 'type', 'from', 'to', 'kind', 'digest', 'note'] as const


const hashOf = (events: readonly TraceEvent[]): string => {
  const hash = new TraceHash()
  for (const ev of events) hash.add(ev)
  return hash.value()
}

const event = (i: number, extra: Partial<TraceEvent> = {}): TraceEvent => ({
  at: 1_000 * i,
  seq: i,
  type: 'deliver',
  from: `validator-${i % 4}`,
  to: `validator-${(i + 1) % 4}`,
  kind: 'tendermint/prevote',
  digest: digestBytes(new Uint8Array([i & 255, i >> 8])),
  ...extra,
})

const header: TraceHeader = {
  format: 'strata-trace',
  formatVersion: 1,
  scenario: { path: 'scenarios/reference.yaml', text: 'name: reference\nnodes: 4\n' },
  seed: 42,
  codeVersion: 'test',
  origin: 'simulation',
}

const dir = mkdtempSync(join(tmpdir(), 'strata-trace-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let fileNo = 0
const freshPath = (): string => join(dir, `run-${fileNo++}.trace`)
const writeBytes = (bytes: Uint8Array): string => {
  const path = freshPath()
  writeFileSync(path, bytes)
  return path
}

/** Writes a trace through a recorder, as the simulator does; returns the path and the recorder. */
const writeTrace = (events: readonly TraceEvent[], traceHeader: TraceHeader = header) => {
  const path = freshPath()
  const writer = Either.getOrThrow(TraceFileWriter.open(path, traceHeader))
  const recorder = new TraceRecorder({ writer })
  for (const ev of events) recorder.record(ev)
  recorder.close()
  return { path, recorder }
}

const readOk = (path: string): TraceFileContents => Either.getOrThrow(readTraceFile(path))

const readError = (path: string) => {
  const result = readTraceFile(path)
  if (Either.isRight(result)) throw new Error(`expected ${path} to be rejected`)
  return result.left
}

describe('digestBytes', () => {
  it('is the first half of MurmurHash3 x86_128 (published test vector)', () => {
    const bytes = new TextEncoder().encode("I will not buy this tobacconist's, it is scratched.")
    expect(digestBytes(bytes)).toBe('9b5b7ba2ef3f7866')
  })

  it('gives 16 hex characters and tells apart every length, block and tail alike', () => {
    const digests = Array.from({ length: 48 }, (_, n) => digestBytes(new Uint8Array(n).fill(7)))
    for (const digest of digests) expect(digest).toMatch(/^[0-9a-f]{16}$/)
    expect(new Set(digests).size).toBe(digests.length)
  })

  it('changes when any one byte changes, at every position of short inputs', () => {
    for (let length = 1; length <= 40; length++) {
      const bytes = new Uint8Array(length).map((_, i) => i * 37)
      for (let i = 0; i < length; i++) {
        const changed = bytes.slice()
        changed[i] = (bytes[i] as number) ^ 1
        expect(digestBytes(changed)).not.toBe(digestBytes(bytes))
      }
    }
  })

  it('changes when any one byte changes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, delta) => {
        const changed = bytes.slice()
        const i = at % bytes.length
        changed[i] = ((bytes[i] as number) + delta) & 255
        expect(digestBytes(changed)).not.toBe(digestBytes(bytes))
      }),
    )
  })
})

describe('digestValue', () => {
  it('does not depend on the order in which map keys were inserted', () => {
    expect(digestValue({ height: 3, round: 1 })).toBe(digestValue({ round: 1, height: 3 }))
    expect(digestValue({ height: 3, round: 1 })).not.toBe(digestValue({ height: 3, round: 2 }))
  })

  it('gives "no data" its own fixed digest', () => {
    expect(digestValue(undefined)).toBe(UNDEFINED_DIGEST)
    expect(digestValue(null)).not.toBe(UNDEFINED_DIGEST)
    expect(digestValue(0)).not.toBe(UNDEFINED_DIGEST)
  })
})

describe('TraceHash', () => {
  it('feeds SHA-256 exactly the documented record layout', () => {
    const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])
    const str = (s: string) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s, 'utf8')])
    const f64 = (n: number) => {
      const b = Buffer.alloc(8)
      b.writeDoubleBE(n)
      return b
    }
    const events: TraceEvent[] = [
      { at: 12_345_678, seq: 7, type: 'timer', from: 'n1', to: 'n1', kind: 'round-timeout', digest: UNDEFINED_DIGEST },
      { at: 12_345_679, seq: 8, type: 'drop', from: 'n1', to: 'n2', kind: 'vote', digest: 'abc', note: 'partitioned ✂' },
    ]
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), f64(12_345_678), f64(7), str('n1'), str('n1'), str('round-timeout'), str(UNDEFINED_DIGEST), Buffer.from([0])]))
      .update(Buffer.concat([Buffer.from([3]), f64(12_345_679), f64(8), str('n1'), str('n2'), str('vote'), str('abc'), Buffer.from([1]), str('partitioned ✂')]))
      .digest('hex')
    expect(hashOf(events)).toBe(expected)
  })

  it('is equal for equal event lists', () => {
    fc.assert(
      fc.property(fc.array(traceEvent, { maxLength: 30 }), (events) => {
        expect(hashOf(structuredClone(events))).toBe(hashOf(events))
      }),
    )
  })

  it('changes when any single field of any single event changes', () => {
    fc.assert(
      fc.property(
        fc.array(traceEvent, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.string({ minLength: 1, maxLength: 3 }),
        (events, at, field, suffix) => {
          const i = at % events.length
          const mutated = events.map((ev, j) => (j === i ? mutateField(ev, field, suffix) : ev))
          expect(hashOf(mutated)).not.toBe(hashOf(events))
        },
      ),
    )
  })

  it('cannot be fooled by moving text across a field boundary', () => {
    const base = event(1)
    expect(hashOf([{ ...base, from: 'ab', to: 'c' }])).not.toBe(hashOf([{ ...base, from: 'a', to: 'bc' }]))
    expect(hashOf([{ ...base, note: '' }])).not.toBe(hashOf([base]))
  })

  it('can be read mid-run, any number of times, and later adds continue the same hash', () => {
    const events = Array.from({ length: 5_000 }, (_, i) => event(i))
    const hash = new TraceHash()
    const midway: string[] = []
    events.forEach((ev, i) => {
      hash.add(ev)
      if (i % 997 === 0) midway.push(hash.value(), hash.value())
    })
    expect(hash.value()).toBe(hashOf(events))
    expect(midway[0]).toBe(midway[1])
    expect(midway[0]).toBe(hashOf(events.slice(0, 1)))
  })

  it('takes events larger than its buffer', () => {
    const huge = event(1, { note: 'é'.repeat(100_000) })
    const hash = new TraceHash()
    hash.add(event(0))
    hash.add(huge)
    hash.add(event(2))
    expect(hash.value()).toBe(hashOf([event(0), { ...huge }, event(2)]))
    expect(hash.value()).not.toBe(hashOf([event(0), { ...huge, note: 'é'.repeat(99_999) }, event(2)]))
  })
})

describe('TraceRecorder', () => {
  it('counts, hashes and keeps the events it records', () => {
    const events = Array.from({ length: 100 }, (_, i) => event(i))
    const recorder = new TraceRecorder({ keepEvents: true })
    for (const ev of events) recorder.record(ev)
    expect(recorder.count()).toBe(100)
    expect(recorder.hash()).toBe(hashOf(events))
    expect(recorder.events()).toEqual(events)
    expect(recorder.footer()).toEqual({ format: 'strata-trace-end', events: 100, traceHash: hashOf(events) })
  })

  it('refuses to hand out events it was not asked to keep', () => {
    const recorder = new TraceRecorder()
    recorder.record(event(0))
    expect(() => recorder.events()).toThrow(/keepEvents/)
    expect(recorder.count()).toBe(1)
  })
})

describe('trace file', () => {
  it('round-trips random events, and its footer carries the recorder hash', () => {
    fc.assert(
      fc.property(fc.array(fileEvent, { maxLength: 40 }), (events) => {
        const { path, recorder } = writeTrace(events)
        const read = readOk(path)
        expect(read.header).toEqual(header)
        expect(read.events).toEqual(events)
        expect(read.truncated).toBe(false)
        expect(read.footer).toEqual({ format: 'strata-trace-end', events: events.length, traceHash: recorder.hash() })
      }),
      { numRuns: 60 },
    )
  })

  it('is exactly the documented CBOR sequence: header, [at, seq, typeCode, from, to, kind, digest, note?]..., footer', () => {
    const typeCode = { deliver: 0, timer: 1, fault: 2, drop: 3 }
    const item = (ev: TraceEvent) => [ev.at, ev.seq, typeCode[ev.type], ev.from, ev.to, ev.kind, ev.digest, ...(ev.note === undefined ? [] : [ev.note])]
    fc.assert(
      fc.property(fc.array(fileEvent, { maxLength: 20 }), (events) => {
        const { path, recorder } = writeTrace(events)
        const expected = [header, ...events.map(item), recorder.footer()].map((value) => encode(value, rfc8949EncodeOptions))
        expect(Buffer.from(readFileSync(path)).toString('hex')).toBe(Buffer.concat(expected).toString('hex'))
      }),
      { numRuns: 60 },
    )
    // Where CBOR heads change size, which random values rarely hit.
    const edges = [0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
    const events = edges.map((n, i) => event(i, { at: n, seq: n, kind: 'k'.repeat(n % 300), note: 'é'.repeat(n % 140) }))
    const { path, recorder } = writeTrace(events)
    const expected = [header, ...events.map(item), recorder.footer()].map((value) => encode(value, rfc8949EncodeOptions))
    expect(Buffer.from(readFileSync(path)).toString('hex')).toBe(Buffer.concat(expected).toString('hex'))
  })

  it('stores an at of -0 as 0 without upsetting the trace hash', () => {
    const { path, recorder } = writeTrace([event(0, { at: -0 })])
    const read = readOk(path)
    expect(Object.is(read.events[0]?.at, 0)).toBe(true)
    expect(read.footer?.traceHash).toBe(recorder.hash())
  })

  it('round-trips across many 64 KiB chunks, with items larger than a chunk', () => {
    const bigHeader: TraceHeader = { ...header, scenario: { path: 'big.yaml', text: '#'.repeat(200_000) }, duration: 5_000_000 }
    const events = Array.from({ length: 20_000 }, (_, i) => (i === 777 ? event(i, { note: 'n'.repeat(70_000) }) : event(i)))
    const { path, recorder } = writeTrace(events, bigHeader)
    const read = readOk(path)
    expect(read.header).toEqual(bigHeader)
    expect(read.events).toEqual(events)
    expect(read.footer?.traceHash).toBe(recorder.hash())
  })

  it('returns the complete events of a file cut anywhere after its header, flagged truncated', () => {
    const events = Array.from({ length: 12 }, (_, i) => event(i, i % 5 === 0 ? { note: `note ${i}` } : {}))
    const { path } = writeTrace(events)
    const whole = readFileSync(path)
    const headerBytes = encode(header, rfc8949EncodeOptions).length
    const footerBytes = encode(readOk(path).footer, rfc8949EncodeOptions).length
    let seen = 0
    for (let cut = 0; cut < whole.length; cut++) {
      const cutPath = freshPath()
      writeFileSync(cutPath, whole.subarray(0, cut))
      if (cut < headerBytes) {
        expect(readError(cutPath).reason).toBe('not-a-trace')
        continue
      }
      const read = readOk(cutPath)
      expect(read.truncated).toBe(true)
      expect(read.footer).toBeUndefined()
      expect(read.events).toEqual(events.slice(0, read.events.length))
      expect(read.events.length).toBeGreaterThanOrEqual(seen)
      seen = read.events.length
    }
    expect(readOk(writeBytes(whole.subarray(0, whole.length - footerBytes))).events).toEqual(events)
  })

  it('rejects garbage with a TraceFileError instead of throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const path = freshPath()
        writeFileSync(path, bytes)
        expect(readError(path)._tag).toBe('TraceFileError')
      }),
    )
    expect(readError(writeBytes(new TextEncoder().encode('name: reference\n'))).reason).toBe('not-a-trace')
    expect(readError(writeBytes(encode({ format: 'something-else' }))).reason).toBe('not-a-trace')
  })

  it('names a missing file, an unsupported version and an unwritable path', () => {
    const missing = readError(join(dir, 'nope.trace'))
    expect(missing.reason).toBe('missing')
    expect(missing.message).toContain('nope.trace')
    const v2 = readError(writeBytes(encode({ ...header, formatVersion: 2 }, rfc8949EncodeOptions)))
    expect(v2.reason).toBe('unsupported-version')
    expect(v2.detail).toMatch(/version 2/)
    const unwritable = TraceFileWriter.open(join(dir, 'no-such-dir', 'x.trace'), header)
    expect(Either.isLeft(unwritable) && unwritable.left.reason).toBe('unwritable')
  })

  it('reports corrupt items, a lying footer and data after the footer', () => {
    const [first, second] = [event(0), event(1)]
    const recorder = new TraceRecorder()
    recorder.record(first)
    recorder.record(second)
    const footer = encode(recorder.footer(), rfc8949EncodeOptions)
    const item = (ev: TraceEvent) => encode([ev.at, ev.seq, 0, ev.from, ev.to, ev.kind, ev.digest], rfc8949EncodeOptions)
    const file = (...items: Uint8Array[]) => writeBytes(Buffer.concat([encode(header, rfc8949EncodeOptions), ...items]))
    const reasonAndDetail = (path: string) => {
      const error = readError(path)
      return `${error.reason}: ${error.detail}`
    }

    expect(reasonAndDetail(file(item(first), encode('not an event'), footer))).toMatch(/^corrupt: event #1/)
    expect(reasonAndDetail(file(item(first), new Uint8Array([0xff, 0x00])))).toMatch(/^corrupt: .*not valid CBOR/)
    expect(reasonAndDetail(file(item(first), footer))).toMatch(/^corrupt: the footer counts 2 events/)
    const altered = { ...second, digest: 'ffffffffffffffff' }
    expect(reasonAndDetail(file(item(first), item(altered), footer))).toMatch(/^corrupt: .*trace hash/)
    expect(reasonAndDetail(file(item(first), item(second), footer, item(event(2))))).toMatch(/^corrupt: unexpected data after the footer/)
  })

  it('refuses writes after close', () => {
    const writer = Either.getOrThrow(TraceFileWriter.open(freshPath(), header))
    writer.close(new TraceRecorder().footer())
    expect(() => writer.write(event(0))).toThrow(/closed/)
  })
})
