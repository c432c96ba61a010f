import { Schema } from 'effect'
import { CommitSchema } from './commit.ts'
import { DuplicateVoteEvidenceSchema } from './evidence.ts'
import { TxSchema } from './tx.ts'
import { Height } from './wireSchemas.ts'

/**
 * The chain's wire messages besides consensus: transaction and evidence gossip, and
 * block sync for a node that fell behind (CometBFT's mempool, evidence and blocksync
 * reactors).
 */

/** Topics gossip goes out on. */
export const MEMPOOL_TOPIC = 'mempool'
export const EVIDENCE_TOPIC = 'evidence'

/** The most blocks one `chain.blocks` message carries (and one `chain.get-blocks` may ask for). */
export const MAX_BLOCKS_PER_MESSAGE = 64

/** A peer's latest committed height (0 before its first block). */
export const ChainStatus = Schema.Struct({ height: Schema.NonNegativeInt })
export type ChainStatus = typeof ChainStatus.Type

/** "Send me the blocks from `from` on, at most `max` of them." */
export const GetBlocks = Schema.Struct({
  from: Height,
  max: Schema.Int.pipe(Schema.between(1, MAX_BLOCKS_PER_MESSAGE)),
})
export type GetBlocks = typeof GetBlocks.Type

/**
 * Blocks with the commits that decided them, in height order. A block travels as the
 * bytes the host encoded (as in a proposal); the host decodes it with `decodeBlock`.
 */
export const Blocks = Schema.Struct({
  blocks: Schema.Array(Schema.Struct({ block: Schema.Uint8ArrayFromSelf, commit: CommitSchema })).pipe(
    Schema.maxItems(MAX_BLOCKS_PER_MESSAGE),
  ),
})
export type Blocks = typeof Blocks.Type

/**
 * The kinds and their body schemas, for the actor's kind registry. The registry checks a
 * body against a schema's Type side without decoding it, so evidence is registered in
 * its wire form (powers as number or bigint); decode it with `DuplicateVoteEvidenceSchema`
 * to get bigints.
 */
export const chainKinds = {
  'chain.tx': TxSchema,
  'chain.evidence': Schema.encodedBoundSchema(DuplicateVoteEvidenceSchema),
  'chain.status': ChainStatus,
  'chain.get-blocks': GetBlocks,
  'chain.blocks': Blocks,
} as const
