import type { Block } from './block.ts'
import type { Commit } from './commit.ts'
import { MAX_BLOCKS_PER_MESSAGE } from './messages.ts'

/**
 * Catching up with peers that are ahead (CometBFT's blocksync), as a value the actor
 * threads through its handlers: peers report their height (`chain.status`), this node
 * asks them for ranges of blocks (`chain.get-blocks`), and applies what arrives
 * (`chain.blocks`) strictly in height order, each block only once the commit that came
 * with it verifies against the validator set of its height.
 *
 * Every height is asked of one peer at a time; a request not answered in time is dropped
 * and its heights are asked again, of the next peer in turn. Peers the host's membership
 * holds alive are asked first; a peer it declares dead is `removePeer`d.
 */

export interface SyncConfig {
  /** Requests outstanding at once. */
  readonly maxRequests: number
  /** Heights asked for in one request. */
  readonly blocksPerRequest: number
  /** µs after which an unanswered request is given up. */
  readonly requestTimeout: number
}

/** CometBFT gives a peer 15 s to answer. */
export const DEFAULT_SYNC_CONFIG: SyncConfig = { maxRequests: 4, blocksPerRequest: 16, requestTimeout: 15_000_000 }

/** A `chain.get-blocks {from, max}` to send to `peer`, sent at `sentAt`. */
export interface BlockRequest {
  readonly peer: string
  readonly from: number
  readonly max: number
  readonly sentAt: number
}

export interface SyncedBlock {
  readonly block: Block
  readonly commit: Commit
}

interface ReceivedBlock extends SyncedBlock {
  readonly peer: string
}

export interface SyncState {
  readonly config: SyncConfig
  /** The last height this node applied. */
  readonly height: number
  /** Each peer's latest reported height. */
  readonly peers: ReadonlyMap<string, number>
  /** The peer asked last: the round robin continues after it, in name order. */
  readonly lastPeer: string | undefined
  readonly requests: readonly BlockRequest[]
  /** Blocks above `height` waiting for the ones below them. */
  readonly received: ReadonlyMap<number, ReceivedBlock>
}

export const initialSyncState = (height: number, config: SyncConfig = DEFAULT_SYNC_CONFIG): SyncState => {
  if (config.blocksPerRequest < 1 || config.blocksPerRequest > MAX_BLOCKS_PER_MESSAGE) {
    throw new Error(`blocksPerRequest must be within 1..${MAX_BLOCKS_PER_MESSAGE}, got ${config.blocksPerRequest}`)
  }
  return { config, height, peers: new Map(), lastPeer: undefined, requests: [], received: new Map() }
}

export const peerStatus = (state: SyncState, peer: string, height: number): SyncState => ({
  ...state,
  peers: new Map(state.peers).set(peer, height),
})

/** A peer gone (or caught sending a bad block): its requests are asked again elsewhere, its blocks dropped. */
export const removePeer = (state: SyncState, peer: string): SyncState => {
  const peers = new Map(state.peers)
  peers.delete(peer)
  return {
    ...state,
    peers,
    requests: state.requests.filter((r) => r.peer !== peer),
    received: new Map([...state.received].filter(([, r]) => r.peer !== peer)),
  }
}

/** The highest height any peer reported. */
export const syncTarget = (state: SyncState): number => Math.max(0, ...state.peers.values())

export const isCaughtUp = (state: SyncState): boolean => state.height >= syncTarget(state)

/**
 * Gives up requests older than the timeout, then plans new ones for the lowest heights
 * nobody is asked for and nothing arrived for, one peer after another among those that
 * reported the height — among those `isLive` accepts, when any of them does. The caller
 * sends `requests` as `chain.get-blocks`.
 */
export const planRequests = (
  state: SyncState,
  now: number,
  isLive: (peer: string) => boolean = () => true,
): { readonly state: SyncState; readonly requests: BlockRequest[]; readonly timedOut: BlockRequest[] } => {
  const { maxRequests, blocksPerRequest, requestTimeout } = state.config
  const timedOut = state.requests.filter((r) => now - r.sentAt >= requestTimeout)
  const requests = state.requests.filter((r) => now - r.sentAt < requestTimeout)
  const planned: BlockRequest[] = []
  const target = syncTarget(state)
  const covered = (h: number) => state.received.has(h) || requests.some((r) => h >= r.from && h < r.from + r.max)
  let lastPeer = state.lastPeer
  let from = state.height + 1
  while (requests.length < maxRequests) {
    while (from <= target && covered(from)) from++
    if (from > target) break
    const peer = nextPeer(state.peers, from, lastPeer, isLive)!
    const peerHeight = state.peers.get(peer)!
    let to = from
    while (to + 1 <= peerHeight && to + 1 < from + blocksPerRequest && !covered(to + 1)) to++
    const request = { peer, from, max: to - from + 1, sentAt: now }
    requests.push(request)
    planned.push(request)
    lastPeer = peer
    from = to + 1
  }
  return { state: { ...state, requests, lastPeer }, requests: planned, timedOut }
}

/**
 * Round robin in name order over the peers that have `height`, starting after `after`:
 * over the live ones among them if there are any. The others stay a last resort rather
 * than none, since membership learns last that a peer came back (a healed partition).
 */
const nextPeer = (peers: ReadonlyMap<string, number>, height: number, after: string | undefined, isLive: (peer: string) => boolean): string | undefined => {
  const able = [...peers].filter(([, h]) => h >= height).map(([name]) => name).sort()
  const live = able.filter(isLive)
  const candidates = live.length > 0 ? live : able
  return candidates.find((name) => after === undefined || name > after) ?? candidates[0]
}

/**
 * A `chain.blocks` answer from `peer`. Blocks are kept only when they fall in a range
 * asked of that peer; each request they answer is settled, and heights it asked for but
 * did not get are free to be asked again. Returns how many blocks were unsolicited.
 */
export const receiveBlocks = (
  state: SyncState,
  peer: string,
  blocks: readonly SyncedBlock[],
): { readonly state: SyncState; readonly unsolicited: number } => {
  const asked = state.requests.filter((r) => r.peer === peer)
  const answered = new Set<BlockRequest>()
  const received = new Map(state.received)
  let unsolicited = 0
  for (const entry of blocks) {
    const height = entry.block.header.height
    const request = asked.find((r) => height >= r.from && height < r.from + r.max)
    if (request === undefined) {
      unsolicited++
      continue
    }
    answered.add(request)
    if (height > state.height && !received.has(height)) received.set(height, { ...entry, peer })
  }
  return { state: { ...state, received, requests: state.requests.filter((r) => !answered.has(r)) }, unsolicited }
}

export type NextBlock =
  | { readonly outcome: 'apply'; readonly state: SyncState; readonly block: SyncedBlock }
  | { readonly outcome: 'rejected'; readonly state: SyncState; readonly height: number; readonly peer: string; readonly reason: string }
  | { readonly outcome: 'waiting'; readonly state: SyncState }

/**
 * The block of the next height, if it arrived and `check` (the host's
 * `checkSyncedBlock` against the validator set of that height) accepts it. The returned
 * state counts it as applied: apply it before asking for the next one, whose set depends
 * on it. A block that fails the check is dropped with its peer, and its height is asked
 * again of another.
 */
export const nextBlock = (state: SyncState, check: (block: Block, commit: Commit) => string | undefined): NextBlock => {
  const height = state.height + 1
  const entry = state.received.get(height)
  if (entry === undefined) return { outcome: 'waiting', state }
  const reason = check(entry.block, entry.commit)
  if (reason !== undefined) return { outcome: 'rejected', state: removePeer(state, entry.peer), height, peer: entry.peer, reason }
  const received = new Map(state.received)
  received.delete(height)
  return { outcome: 'apply', state: { ...state, height, received }, block: { block: entry.block, commit: entry.commit } }
}

/** This node committed up to `height` by itself (through consensus): forget what is now below. */
export const advanceTo = (state: SyncState, height: number): SyncState => {
  if (height <= state.height) return state
  return {
    ...state,
    height,
    requests: state.requests.filter((r) => r.from + r.max - 1 > height),
    received: new Map([...state.received].filter(([h]) => h > height)),
  }
}
