import { describe, expect, test } from 'vitest'
import type { Application, BlockInfo, Genesis, Tx } from '../../../src/protocols/chain/application.ts'
import { composeApps, UNKNOWN_APP_CODE } from '../../../src/protocols/chain/apps.ts'

/** A toy application that counts its transactions and remembers what it saw. */
const counter = (name: string, options: { extension?: Uint8Array; rejects?: string } = {}): Application<{ count: number; seen: string[] }> => ({
  name,
  init: (genesis) => ({ count: Number((genesis.app[name] as { start?: number } | undefined)?.start ?? 0), seen: [] }),
  checkTx: (_s, tx) => (tx.type === options.rejects ? { code: 7, log: `${name} says no` } : { code: 0, log: `${name} ok` }),
  prepareProposal: (_s, txs) => txs.filter((tx) => tx.type !== options.rejects),
  processProposal: (_s, txs) => txs.every((tx) => tx.type !== options.rejects),
  extendVote: () => options.extension ?? new Uint8Array(),
  verifyVoteExtension: (_s, _h, _b, extension) => Buffer.from(extension).equals(Buffer.from(options.extension ?? new Uint8Array())),
  finalizeBlock: (state, txs) => ({
    state: { count: state.count + txs.length, seen: [...state.seen, ...txs.map((t) => t.type)] },
    txResults: txs.map((t) => ({ code: 0, log: `${name}:${t.type}` })),
    validatorUpdates: name === 'b' ? [{ pubKey: 'pk-b', power: BigInt(txs.length) }] : [],
    events: [{ event: `${name}.block`, data: txs.length }],
  }),
  appHash: (state) => `${name}:${state.count}`,
})

const genesis: Genesis = { chainId: 'c', time: 0, validators: [], app: { a: { start: 5 } } }
const info: BlockInfo = { height: 1, time: 0, proposerPubKey: 'pk', lastCommit: [], misbehavior: [] }
const tx = (type: string): Tx => ({ type })

describe('composeApps', () => {
  const app = composeApps([counter('a', { rejects: 'a.bad' }), counter('b', { extension: new Uint8Array([9]) })])
  const state = app.init(genesis)

  test('gives each application its own genesis state under its name', () => {
    expect(state).toEqual({ a: { count: 5, seen: [] }, b: { count: 0, seen: [] } })
  })

  test('routes CheckTx by type prefix and refuses unknown prefixes', () => {
    expect(app.checkTx(state, tx('a.x')).log).toBe('a ok')
    expect(app.checkTx(state, tx('b.x')).log).toBe('b ok')
    expect(app.checkTx(state, tx('a.bad')).code).toBe(7)
    expect(app.checkTx(state, tx('c.x')).code).toBe(UNKNOWN_APP_CODE)
    expect(app.checkTx(state, tx('ab.x')).code).toBe(UNKNOWN_APP_CODE)
  })

  test('ProcessProposal rejects unknown prefixes and anything an application rejects', () => {
    expect(app.processProposal(state, [tx('a.x'), tx('b.y')], info)).toBe(true)
    expect(app.processProposal(state, [tx('a.x'), tx('zz.y')], info)).toBe(false)
    expect(app.processProposal(state, [tx('b.y'), tx('a.bad')], info)).toBe(false)
  })

  test('PrepareProposal lets each application pick among its own transactions and drops unowned ones', () => {
    expect(app.prepareProposal(state, [tx('b.1'), tx('a.1'), tx('a.bad'), tx('q.1'), tx('a.2')], info).map((t) => t.type)).toEqual([
      'a.1',
      'a.2',
      'b.1',
    ])
  })

  test('FinalizeBlock puts results back in block order and combines updates and events', () => {
    const result = app.finalizeBlock(state, [tx('b.1'), tx('a.1'), tx('b.2')], info)
    expect(result.txResults.map((r) => r.log)).toEqual(['b:b.1', 'a:a.1', 'b:b.2'])
    expect(result.state).toEqual({ a: { count: 6, seen: ['a.1'] }, b: { count: 2, seen: ['b.1', 'b.2'] } })
    expect(result.validatorUpdates).toEqual([{ pubKey: 'pk-b', power: 2n }])
    expect(result.events).toEqual([
      { event: 'a.block', data: 1 },
      { event: 'b.block', data: 2 },
    ])
  })

  test('the combined app hash changes when any one application state changes', () => {
    const after = app.finalizeBlock(state, [tx('b.1')], info).state
    expect(app.appHash(after)).not.toBe(app.appHash(state))
    expect(app.appHash({ ...state })).toBe(app.appHash(state))
  })

  test('vote extensions travel per application and are verified by each', () => {
    const extension = app.extendVote(state, 1, 'id')
    expect(app.verifyVoteExtension(state, 1, 'id', extension)).toBe(true)
    expect(app.verifyVoteExtension(state, 1, 'id', new Uint8Array([0xff]))).toBe(false)
    expect(app.verifyVoteExtension(state, 1, 'id', composeApps([counter('a')]).extendVote({ a: state['a'] }, 1, 'id'))).toBe(false)
  })

  test('PrepareProposal hands each application its own part of the previous height’s vote extensions', () => {
    const seen: Record<string, string[]> = {}
    const recorder = (name: string): ReturnType<typeof counter> => ({
      ...counter(name),
      prepareProposal: (_s, txs, { localLastCommit }) => {
        seen[name] = (localLastCommit?.votes ?? []).map((v) => `${v.pubKey}:${Buffer.from(v.extension).toString()}`)
        return txs
      },
    })
    const both = composeApps([recorder('a'), recorder('b')])
    const extensionOf = (parts: Record<string, string>) =>
      composeApps(Object.keys(parts).map((name) => counter(name, { extension: Buffer.from(parts[name]!) }))).extendVote({}, 2, 'id')
    const vote = (pubKey: string, extension: Uint8Array) => ({ pubKey, power: 10n, signed: extension.length > 0, extension })
    const localLastCommit = {
      round: 0,
      votes: [vote('pk-1', extensionOf({ a: 'a1', b: 'b1' })), vote('pk-2', extensionOf({ b: 'b2' })), vote('pk-3', new Uint8Array()), vote('pk-4', Uint8Array.of(0xff))],
    }
    both.prepareProposal(both.init(genesis), [], { ...info, localLastCommit })
    expect(seen).toEqual({ a: ['pk-1:a1', 'pk-2:', 'pk-3:', 'pk-4:'], b: ['pk-1:b1', 'pk-2:b2', 'pk-3:', 'pk-4:'] })
    // Without extensions (or without a local commit at all), every application gets the info as it is.
    both.prepareProposal(both.init(genesis), [], info)
    expect(seen).toEqual({ a: [], b: [] })
  })

  test('refuses two applications of one name, or a name that is not a prefix', () => {
    expect(() => composeApps([counter('a'), counter('a')])).toThrow(/two applications/)
    expect(() => composeApps([counter('a.b')])).toThrow(/prefix/)
  })
})
