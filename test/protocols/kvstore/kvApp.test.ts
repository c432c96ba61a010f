import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import type { BlockInfo, Genesis, Tx } from '../../../src/protocols/chain/application.ts'
import { kvApp, kvEntries, kvGet, MAX_KEY_BYTES, MAX_VALUE_BYTES, type KvState } from '../../../src/protocols/kvstore/index.ts'

const genesis: Genesis = { chainId: 'c', time: 0, validators: [], app: {} }
const info: BlockInfo = { height: 1, time: 0, proposerPubKey: 'pk', lastCommit: [], misbehavior: [] }
const set = (key: string, value: string): Tx => ({ type: 'kv.set', key, value })

const run = (blocks: readonly (readonly Tx[])[]): KvState =>
  blocks.reduce((state, txs) => kvApp.finalizeBlock(state, txs, info).state, kvApp.init(genesis))

const writeArb = fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 })).map(([k, v]) => set(k, v))
const blocksArb = fc.array(fc.array(writeArb, { maxLength: 8 }), { maxLength: 6 })

describe('the kv application', () => {
  propertyTest.prop([blocksArb])('keeps the last write of each key, sorted, as a map would', (blocks) => {
    const model = new Map<string, string>()
    for (const tx of blocks.flat()) model.set(tx['key'] as string, tx['value'] as string)
    const state = run(blocks)
    expect(kvEntries(state).map(([k]) => k)).toEqual([...model.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    for (const [k, v] of model) expect(kvGet(state, k)).toBe(v)
    expect(kvGet(state, 'not-a-key-of-length-4-or-less')).toBeUndefined()
  })

  propertyTest.prop([blocksArb])('is deterministic: the same blocks give the same state and app hash', (blocks) => {
    expect(run(blocks)).toEqual(run(blocks))
    expect(kvApp.appHash(run(blocks))).toBe(kvApp.appHash(run(blocks)))
  })

  propertyTest.prop([blocksArb, writeArb])('the app hash changes whenever the state does', (blocks, write) => {
    const before = run(blocks)
    const after = run([...blocks, [write]])
    expect(kvApp.appHash(after) === kvApp.appHash(before)).toBe(kvGet(before, write['key'] as string) === write['value'])
  })

  test('the app hash does not depend on the order keys were first written', () => {
    expect(kvApp.appHash(run([[set('a', '1'), set('b', '2')]]))).toBe(kvApp.appHash(run([[set('b', '2')], [set('a', '1')]])))
  })

  test('refuses malformed and oversized writes, and reports them in FinalizeBlock', () => {
    const bad: Tx[] = [
      set('', 'v'),
      set('k'.repeat(MAX_KEY_BYTES + 1), 'v'),
      set('é'.repeat(MAX_KEY_BYTES / 2 + 1), 'v'),
      set('k', 'v'.repeat(MAX_VALUE_BYTES + 1)),
      { type: 'kv.set', key: 'k', value: 1 },
      { type: 'kv.set', key: 'k', value: 'v', extra: true },
      { type: 'kv.delete', key: 'k' },
    ]
    const good = [set('k'.repeat(MAX_KEY_BYTES), 'v'.repeat(MAX_VALUE_BYTES))]
    const state = kvApp.init(genesis)
    for (const tx of bad) expect(kvApp.checkTx(state, tx).code).not.toBe(0)
    for (const tx of good) expect(kvApp.checkTx(state, tx).code).toBe(0)
    expect(kvApp.processProposal(state, good, info)).toBe(true)
    expect(kvApp.processProposal(state, [...good, bad[0]!], info)).toBe(false)
    expect(kvApp.prepareProposal(state, [bad[0]!, ...good, bad[4]!], info)).toEqual(good)
    const result = kvApp.finalizeBlock(state, [bad[0]!, ...good], info)
    expect(result.txResults.map((r) => r.code)).toEqual([1, 0])
    expect(kvEntries(result.state)).toHaveLength(1)
  })

  test('carries no vote extensions and no validator updates', () => {
    const state = kvApp.init(genesis)
    expect(kvApp.extendVote(state, 1, 'id')).toEqual(new Uint8Array())
    expect(kvApp.verifyVoteExtension(state, 1, 'id', new Uint8Array())).toBe(true)
    expect(kvApp.verifyVoteExtension(state, 1, 'id', new Uint8Array([1]))).toBe(false)
    expect(kvApp.finalizeBlock(state, [set('a', 'b')], info).validatorUpdates).toEqual([])
  })
})
