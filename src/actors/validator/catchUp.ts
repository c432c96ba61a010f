import {
  advanceTo,
  checkSyncedBlock,
  DEFAULT_SYNC_CONFIG,
  initialSyncState,
  nextBlock,
  peerStatus,
  planRequests,
  receiveBlocks,
  removePeer,
  type Block,
  type Blocks,
  type Commit,
  type ExtensionChecks,
  type SyncState,
  type VerifyVote,
} from '../../protocols/chain/index.ts'
import type { Envelope } from '../../runtime/envelope.ts'
import type { ActorToolkit } from '../common/toolkit.ts'
import { decodeBlockBytes, MAX_BLOCK_MESSAGE_BYTES } from './blockDecoding.ts'
import type { BlockStore, StoredBlock } from './blockStore.ts'
import type { ChainState } from './chainState.ts'

/** A block request unanswered this long is asked again (of the next peer): one lost message costs no more. */
export const SYNC_REQUEST_TIMEOUT = 2_000_000

/**
 * The validator's side of block sync (src/protocols/chain/blockSync.ts): it learns how
 * far its peers are, asks those membership holds alive for the blocks it misses, applies
 * each block once the commit that came with it proves it under the set of its height,
 * and serves its own stored blocks to peers catching up.
 */
export class CatchUp {
  private sync: SyncState
  /** Blocks applied from peers rather than decided here (a figure). */
  synced = 0

  constructor(
    private readonly tk: ActorToolkit,
    private readonly chain: ChainState,
    private readonly blocks: BlockStore,
    private readonly context: {
      readonly chainId: string
      readonly verify: VerifyVote
      /** Where the next height's commit carries vote extensions, how to judge them. */
      readonly extensionChecks: (height: number) => ExtensionChecks | undefined
      readonly isLive: (peer: string) => boolean
      /** Commits a checked block exactly as one decided here. */
      readonly apply: (block: Block, commit: Commit) => void
    },
  ) {
    this.sync = initialSyncState(chain.height, { ...DEFAULT_SYNC_CONFIG, requestTimeout: SYNC_REQUEST_TIMEOUT })
  }

  /** `peer` has committed `height` (its status says so, or its proposal for the next one). */
  peerAt(peer: string, height: number): void {
    this.sync = peerStatus(this.sync, peer, height)
    // A peer two heights ahead means consensus alone will not bring this node there.
    if (height > this.chain.height + 1) this.requestMissing()
  }

  /** Membership declared `peer` dead: what was asked of it is asked of another now, not at its timeout. */
  peerDead(peer: string): void {
    this.sync = removePeer(this.sync, peer)
    this.requestMissing()
  }

  /** This node committed `height` (by consensus, or a block of this sync). */
  committed(height: number): void {
    this.sync = advanceTo(this.sync, height)
  }

  requestMissing(): void {
    const { state, requests } = planRequests(this.sync, this.tk.clock.now(), this.context.isLive)
    this.sync = state
    for (const request of requests) {
      this.tk.transport.request(request.peer, 'chain.get-blocks', { from: request.from, max: request.max }, SYNC_REQUEST_TIMEOUT, (outcome) => {
        if (!outcome.ok) return this.requestMissing()
        this.receive(request.peer, outcome.reply.body as Blocks)
      })
    }
  }

  /** Answers a `chain.get-blocks` with the stored blocks and commits asked for, as many as fit one message. */
  serve(request: Envelope): void {
    const { from, max } = request.body as { from: number; max: number }
    const blocks: StoredBlock[] = []
    let size = 0
    for (let h = from; h < from + max && h <= this.chain.height; h++) {
      const stored = this.blocks.load(h)
      if (stored === undefined) break
      size += stored.block.length + extensionBytes(stored.commit)
      if (size > MAX_BLOCK_MESSAGE_BYTES / 2) break
      blocks.push(stored)
    }
    this.tk.transport.reply(request, 'chain.blocks', { blocks })
  }

  private receive(peer: string, reply: Blocks): void {
    const decoded = reply.blocks.flatMap((b) => {
      const block = decodeBlockBytes(b.block)
      return block === undefined ? [] : [{ block, commit: b.commit }]
    })
    this.sync = receiveBlocks(this.sync, peer, decoded).state
    for (;;) {
      const next = nextBlock(this.sync, (block, commit) => this.problem(block, commit))
      this.sync = next.state
      if (next.outcome === 'rejected') this.tk.log.log('warn', `block ${next.height} from ${next.peer} rejected: ${next.reason}`)
      if (next.outcome !== 'apply') return
      this.synced++
      this.context.apply(next.block.block, next.block.commit)
    }
  }

  private problem(block: Block, commit: Commit): string | undefined {
    const height = block.header.height
    if (height !== this.chain.height + 1) return `height ${height} is not next`
    const problem = checkSyncedBlock(block, commit, {
      chainId: this.context.chainId,
      height,
      validators: this.chain.setAt(height)!,
      verify: this.context.verify,
      lastBlockId: height === 1 ? null : this.chain.blockIds.get(height - 1)!,
      extensions: this.context.extensionChecks(height),
    })
    if (problem !== undefined) return problem
    // The +2/3 that signed it agree on this state: a mismatch means this node diverged.
    if (block.header.appHash !== this.chain.appHash) throw new Error(`application state diverged at height ${height - 1}: peers' appHash ${block.header.appHash}, ours ${this.chain.appHash}`)
    return undefined
  }
}

/** What a stored commit's vote extensions add to a `chain.blocks` message. */
const extensionBytes = (commit: Commit): number => {
  let bytes = 0
  for (const vote of commit.signatures) bytes += vote.extension?.length ?? 0
  return bytes
}
