import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import type { Tx, TxResult } from '../../../src/protocols/chain/application.ts'
import { Mempool, type MempoolLimits } from '../../../src/protocols/chain/mempool.ts'
import { txFacts } from '../../../src/protocols/chain/tx.ts'

const limits: MempoolLimits = { maxTxs: 5, maxBytes: 220, maxTxBytes: 80, committedCacheSize: 3 }
const tx = (key: string, size = 0): Tx => ({ type: 'kv.set', key, value: 'x'.repeat(size) })
const accept = (): TxResult => ({ code: 0, log: '' })
/** A committed transaction's result when it executed. */
const executed: TxResult = { code: 0, log: 'ok' }
const rejectBad = (t: Tx): TxResult => (String(t['key']).startsWith('bad') ? { code: 3, log: 'bad' } : { code: 0, log: '' })

describe('outcomes', () => {
  test('added once, then a duplicate; too large, full, rejected say so', () => {
    const pool = new Mempool(limits)
    expect(pool.add(tx('a'), accept).outcome).toBe('added')
    expect(pool.add(tx('a'), accept).outcome).toBe('duplicate')
    expect(pool.add(tx('big', 100), accept)).toMatchObject({ outcome: 'too-large' })
    expect(pool.add(tx('bad'), rejectBad)).toMatchObject({ outcome: 'rejected', result: { code: 3 } })
    for (const k of ['b', 'c', 'd', 'e']) expect(pool.add(tx(k), accept).outcome).toBe('added')
    expect(pool.add(tx('f'), accept).outcome).toBe('full')
    expect(pool.size.txs).toBe(5)
  })

  test('the byte cap counts all pending transactions', () => {
    const pool = new Mempool(limits)
    const sizes: number[] = []
    for (const k of ['a', 'b', 'c', 'd']) {
      const t = tx(k, 40)
      if (pool.add(t, accept).outcome === 'added') sizes.push(txFacts(t).bytes)
    }
    expect(sizes.length).toBeLessThan(4)
    expect(pool.size.bytes).toBe(sizes.reduce((a, b) => a + b, 0))
    expect(pool.size.bytes).toBeLessThanOrEqual(limits.maxBytes)
  })

  test('a committed transaction gossiped again is not re-added; the cache forgets the oldest', () => {
    const pool = new Mempool(limits)
    pool.add(tx('a'), accept)
    expect(pool.removeCommitted([tx('a'), tx('b'), tx('c')], [executed, executed, executed])).toBe(1)
    expect(pool.add(tx('a'), accept).outcome).toBe('committed')
    pool.removeCommitted([tx('d')], [executed])
    expect(pool.add(tx('a'), accept).outcome).toBe('added')
    expect(pool.add(tx('d'), accept).outcome).toBe('committed')
  })

  test('one the block refused leaves the pool and is not remembered: sent again, it is admitted again', () => {
    const pool = new Mempool(limits)
    pool.add(tx('a'), accept)
    pool.add(tx('b'), accept)
    expect(pool.removeCommitted([tx('a'), tx('b')], [{ code: 3, log: 'not yet' }, executed])).toBe(2)
    expect(pool.size.txs).toBe(0)
    expect(pool.add(tx('a'), accept).outcome).toBe('added')
    expect(pool.add(tx('b'), accept).outcome).toBe('committed')
  })

  test('reap hands out the oldest prefix within both caps, stopping at the first that does not fit', () => {
    const pool = new Mempool(limits)
    const [a, b, c] = [tx('a'), tx('b', 40), tx('c')]
    for (const t of [a, b, c]) expect(pool.add(t, accept).outcome).toBe('added')
    expect(pool.reap(Infinity, 2)).toEqual([a, b])
    expect(pool.reap(txFacts(a).bytes + txFacts(c).bytes, 10)).toEqual([a])
    expect(pool.size.txs).toBe(3)
  })

  test('recheck drops what the new state rejects, in arrival order', () => {
    const pool = new Mempool(limits)
    for (const k of ['a', 'x1', 'b', 'x2']) pool.add(tx(k), accept)
    const dropped = pool.recheck((t) => (String(t['key']).startsWith('x') ? { code: 1, log: '' } : { code: 0, log: '' }))
    expect(dropped).toEqual([tx('x1'), tx('x2')])
    expect(pool.reap(Infinity, 10)).toEqual([tx('a'), tx('b')])
  })
})

/** The mempool against a model: an array in arrival order and a list of committed ids. */
type Op =
  | { op: 'add'; key: number; size: number }
  | { op: 'reap'; maxBytes: number; maxTxs: number }
  | { op: 'commit'; keys: number[] }
  | { op: 'recheck'; rejectKeys: number[] }

const txOf = (key: number, size: number): Tx => ({ type: 'kv.set', key: key === 0 ? 'bad' : `k${key}`, value: 'x'.repeat(size) })

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('add' as const), key: fc.nat(8), size: fc.constantFrom(0, 10, 40, 90) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reap' as const), maxBytes: fc.nat(250), maxTxs: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('commit' as const), keys: fc.array(fc.nat(8), { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('recheck' as const), rejectKeys: fc.array(fc.nat(8), { maxLength: 3 }) }) },
)

describe('model', () => {
  propertyTest.prop([fc.array(opArb, { maxLength: 60 })])('behaves like an array with the same rules', (ops) => {
    const pool = new Mempool(limits)
    let model: { tx: Tx; hash: string; bytes: number }[] = []
    let committed: string[] = []
    for (const step of ops) {
      if (step.op === 'add') {
        const t = txOf(step.key, step.size)
        const { hash, bytes } = txFacts(t)
        const expected =
          bytes > limits.maxTxBytes
            ? 'too-large'
            : model.some((e) => e.hash === hash)
              ? 'duplicate'
              : committed.includes(hash)
                ? 'committed'
                : model.length >= limits.maxTxs || model.reduce((s, e) => s + e.bytes, 0) + bytes > limits.maxBytes
                  ? 'full'
                  : step.key === 0
                    ? 'rejected'
                    : 'added'
        expect(pool.add(t, rejectBad).outcome).toBe(expected)
        if (expected === 'added') model.push({ tx: t, hash, bytes })
      } else if (step.op === 'reap') {
        const expected: Tx[] = []
        let bytes = 0
        for (const e of model) {
          if (expected.length >= step.maxTxs || bytes + e.bytes > step.maxBytes) break
          expected.push(e.tx)
          bytes += e.bytes
        }
        expect(pool.reap(step.maxBytes, step.maxTxs)).toEqual(expected)
      } else if (step.op === 'commit') {
        const txs = step.keys.map((k) => model.find((e) => e.tx['key'] === `k${k}`)?.tx ?? txOf(k, 0))
        const hashes = txs.map((t) => txFacts(t).hash)
        const before = model.length
        model = model.filter((e) => !hashes.includes(e.hash))
        expect(pool.removeCommitted(txs, txs.map(() => executed))).toBe(before - model.length)
        for (const h of hashes) committed = [...committed.filter((c) => c !== h), h].slice(-limits.committedCacheSize)
      } else {
        const rejected = (t: Tx) => step.rejectKeys.some((k) => t['key'] === `k${k}`)
        expect(pool.recheck((t) => (rejected(t) ? { code: 1, log: '' } : { code: 0, log: '' }))).toEqual(model.filter((e) => rejected(e.tx)).map((e) => e.tx))
        model = model.filter((e) => !rejected(e.tx))
      }
      expect(pool.size).toEqual({ txs: model.length, bytes: model.reduce((s, e) => s + e.bytes, 0) })
      expect(new Set(model.map((e) => e.hash)).size).toBe(model.length)
      expect(pool.size.txs).toBeLessThanOrEqual(limits.maxTxs)
      expect(pool.size.bytes).toBeLessThanOrEqual(limits.maxBytes)
    }
  })
})
