import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { blockIdOf, buildBlock } from '../../../src/protocols/chain/block.ts'
import {
  advanceTo,
  initialSyncState,
  isCaughtUp,
  nextBlock,
  peerStatus,
  planRequests,
  receiveBlocks,
  removePeer,
  type BlockRequest,
  type SyncConfig,
  type SyncedBlock,
  type SyncState,
} from '../../../src/protocols/chain/blockSync.ts'
import { checkSyncedBlock } from '../../../src/protocols/chain/checkBlock.ts'
import { verifyCommit } from '../../../src/protocols/chain/commit.ts'
import { chainOf, CHAIN_ID, commitOf, validatorSet, verify } from './fixtures.ts'

const set = validatorSet([10n, 20n, 30n, 40n])
const LENGTH = 40
const { blocks, commits } = chainOf(set, LENGTH, (h) => [{ type: 'kv.set', key: `k${h}`, value: 'v' }])
const genuine = (height: number): SyncedBlock => ({ block: blocks[height - 1]!, commit: commits[height - 1]! })

/** A block a liar made up for `height`: well formed, but its commit carries no valid signature. */
const forged = (height: number): SyncedBlock => {
  const real = blocks[height - 1]!
  const block = buildBlock({
    ...real.header,
    validators: set.validators,
    nextValidators: set.validators,
    txs: [{ type: 'kv.set', key: 'stolen', value: 'funds' }],
    evidence: [],
    lastCommit: real.lastCommit,
  })
  const commit = commitOf(set, height, blockIdOf(block))
  return { block, commit: { ...commit, signatures: commit.signatures.map((v) => ({ ...v, sig: new Uint8Array(32) })) } }
}

const config: SyncConfig = { maxRequests: 3, blocksPerRequest: 4, requestTimeout: 15 }

/** The host's side: check each next block against what this node has applied so far. */
const applyReady = (state: SyncState, applied: SyncedBlock[]): { state: SyncState; rejected: number } => {
  let rejected = 0
  for (;;) {
    const last = applied.at(-1)
    const next = nextBlock(state, (block, commit) =>
      checkSyncedBlock(block, commit, {
        chainId: CHAIN_ID,
        height: state.height + 1,
        lastBlockId: last === undefined ? null : blockIdOf(last.block),
        validators: set,
        verify,
      }),
    )
    state = next.state
    if (next.outcome === 'waiting') return { state, rejected }
    if (next.outcome === 'rejected') rejected++
    else applied.push(next.block)
  }
}

const inFlightHeights = (requests: readonly BlockRequest[]): number[] => requests.flatMap((r) => Array.from({ length: r.max }, (_, i) => r.from + i))

describe('planning', () => {
  test('asks peers ahead in turn, never the same height twice, within the request cap', () => {
    let state = initialSyncState(0, config)
    state = peerStatus(peerStatus(peerStatus(state, 'p-b', 30), 'p-a', 30), 'p-c', 2)
    const planned = planRequests(state, 0)
    expect(planned.requests.map((r) => [r.peer, r.from, r.max])).toEqual([
      ['p-a', 1, 4],
      ['p-b', 5, 4],
      // p-c has only 2 blocks, so the turn passes back to p-a.
      ['p-a', 9, 4],
    ])
    expect(planRequests(planned.state, 1).requests).toEqual([])
  })

  test('a request never reaches past what its peer has', () => {
    const state = peerStatus(peerStatus(initialSyncState(0, config), 'p-a', 2), 'p-b', 3)
    expect(planRequests(state, 0).requests.map((r) => [r.peer, r.from, r.max])).toEqual([
      ['p-a', 1, 2],
      ['p-b', 3, 1],
    ])
  })

  test('an unanswered request times out and its heights go to the next peer', () => {
    let state = peerStatus(peerStatus(initialSyncState(0, { ...config, maxRequests: 1 }), 'p-a', 10), 'p-b', 10)
    const first = planRequests(state, 0)
    expect(first.requests).toMatchObject([{ peer: 'p-a', from: 1 }])
    state = first.state
    expect(planRequests(state, 14).requests).toEqual([])
    const retry = planRequests(state, 15)
    expect(retry.timedOut).toMatchObject([{ peer: 'p-a', from: 1 }])
    expect(retry.requests).toMatchObject([{ peer: 'p-b', from: 1 }])
  })

  test('blocks nobody asked that peer for are ignored; a short answer frees the rest of the range', () => {
    let state = peerStatus(initialSyncState(0, config), 'p-a', 10)
    state = planRequests(state, 0).state
    const unsolicited = receiveBlocks(state, 'p-z', [genuine(1)])
    expect(unsolicited.unsolicited).toBe(1)
    expect(unsolicited.state.received.size).toBe(0)
    state = receiveBlocks(state, 'p-a', [genuine(1), genuine(2)]).state
    expect(inFlightHeights(state.requests)).not.toContain(3)
    expect(planRequests(state, 1).requests).toMatchObject([{ from: 3 }])
  })

  test('peers membership holds alive are asked first; the others only when no live one has the height', () => {
    const state = peerStatus(peerStatus(peerStatus(initialSyncState(0, config), 'p-a', 30), 'p-b', 30), 'p-c', 40)
    const live = new Set(['p-b'])
    const planned = planRequests(state, 0, (peer) => live.has(peer))
    expect(planned.requests.map((r) => r.peer)).toEqual(['p-b', 'p-b', 'p-b'])
    // Above 30 only p-c has the blocks: asked although membership doubts it.
    const above = peerStatus(peerStatus(initialSyncState(30, config), 'p-b', 30), 'p-c', 40)
    expect(planRequests(above, 0, (peer) => live.has(peer)).requests.map((r) => [r.peer, r.from])).toEqual([
      ['p-c', 31],
      ['p-c', 35],
      ['p-c', 39],
    ])
  })

  test('a peer removed (declared dead) gives its requests back at once, to the next live peer', () => {
    let state = peerStatus(peerStatus(initialSyncState(0, { ...config, maxRequests: 1 }), 'p-a', 10), 'p-b', 10)
    state = planRequests(state, 0).state
    expect(state.requests).toMatchObject([{ peer: 'p-a', from: 1 }])
    expect(planRequests(removePeer(state, 'p-a'), 1).requests).toMatchObject([{ peer: 'p-b', from: 1 }])
  })

  test('a height this node committed itself is no longer asked for', () => {
    let state = peerStatus(initialSyncState(0, config), 'p-a', 10)
    state = advanceTo(planRequests(state, 0).state, 4)
    expect(state.requests.every((r) => r.from + r.max - 1 > 4)).toBe(true)
  })
})

describe('applying', () => {
  test('waits for the next height even when later ones arrived, then applies in order', () => {
    let state = peerStatus(initialSyncState(0, config), 'p-a', 8)
    state = planRequests(state, 0).state
    state = receiveBlocks(state, 'p-a', [genuine(5), genuine(6)]).state
    const applied: SyncedBlock[] = []
    state = applyReady(state, applied).state
    expect(applied).toEqual([])
    state = receiveBlocks(state, 'p-a', [genuine(1), genuine(2), genuine(3), genuine(4)]).state
    state = applyReady(state, applied).state
    expect(applied.map((b) => b.block.header.height)).toEqual([1, 2, 3, 4, 5, 6])
  })

  test('a forged block is a different, well-formed block', () => {
    expect(blockIdOf(forged(3).block)).not.toBe(blockIdOf(blocks[2]!))
    expect(forged(3).block.header.height).toBe(3)
  })

  test('a block whose commit does not verify is not applied; its peer is dropped and the height asked again', () => {
    let state = peerStatus(peerStatus(initialSyncState(0, { ...config, maxRequests: 1 }), 'liar', 8), 'p-b', 8)
    state = planRequests(state, 0).state
    state = receiveBlocks(state, 'liar', [forged(1)]).state
    const applied: SyncedBlock[] = []
    const result = applyReady(state, applied)
    expect(result.rejected).toBe(1)
    expect(applied).toEqual([])
    expect(result.state.peers.has('liar')).toBe(false)
    expect(planRequests(result.state, 1).requests).toMatchObject([{ peer: 'p-b', from: 1 }])
  })
})

type Behaviour = 'honest' | 'silent' | 'short' | 'liar'

describe('catching up against peers that lie, stall and answer short', () => {
  propertyTest.prop([
    fc.array(fc.record({ height: fc.integer({ min: 0, max: LENGTH }), behaviour: fc.constantFrom<Behaviour>('honest', 'silent', 'short', 'liar') }), {
      maxLength: 4,
    }),
    fc.integer({ min: 0, max: LENGTH }),
    fc.infiniteStream(fc.boolean()),
  ])('asks each height of one peer at a time, applies only verified blocks, in order, and reaches the top', (others, honestHeight, coin) => {
    const peers = [{ name: 'honest-0', height: honestHeight, behaviour: 'honest' as Behaviour }, ...others.map((p, i) => ({ ...p, name: `peer-${i + 1}` }))]
    const target = Math.max(...peers.map((p) => p.height))
    // The honest peer has the top, so catching up is possible.
    peers[0]!.height = target
    const coins = coin[Symbol.iterator]()
    let state = initialSyncState(0, config)
    const applied: SyncedBlock[] = []
    for (let now = 0; now < 2_000 && !(isCaughtUp(state) && state.peers.size > 0); now += 5) {
      for (const p of peers) state = peerStatus(state, p.name, p.height)
      const plan = planRequests(state, now)
      state = plan.state
      const heights = inFlightHeights(state.requests)
      expect(new Set(heights).size).toBe(heights.length)
      expect(heights.every((h) => h > state.height && !state.received.has(h))).toBe(true)
      expect(state.requests.length).toBeLessThanOrEqual(config.maxRequests)
      for (const request of plan.requests) {
        const peer = peers.find((p) => p.name === request.peer)!
        expect(request.from + request.max - 1).toBeLessThanOrEqual(peer.height)
        // Answers arrive at once or (sometimes) never, whatever the peer.
        if (peer.behaviour === 'silent' || coins.next().value === false) continue
        const range = Array.from({ length: peer.behaviour === 'short' ? Math.ceil(request.max / 2) : request.max }, (_, i) => request.from + i)
        const answer = range.map((h) => (peer.behaviour === 'liar' ? forged(h) : genuine(h)))
        state = receiveBlocks(state, peer.name, answer).state
      }
      state = applyReady(state, applied).state
    }
    expect(state.height).toBe(target)
    expect(applied.map((b) => b.block.header.height)).toEqual(Array.from({ length: target }, (_, i) => i + 1))
    for (const { block, commit } of applied) {
      expect(block).toBe(blocks[block.header.height - 1])
      expect(verifyCommit(commit, set, CHAIN_ID, verify)).toBeUndefined()
    }
  })
})
