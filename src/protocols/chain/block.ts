import { Either, ParseResult, Schema } from 'effect'
import { canonicalHash } from '../../shared/canonicalHash.ts'
import type { DuplicateVoteEvidence } from '../tendermint/evidence.ts'
import type { Validator } from '../tendermint/validatorSet.ts'
import type { Tx } from './application.ts'
import { CommitSchema, type Commit } from './commit.ts'
import { DuplicateVoteEvidenceSchema, evidenceId } from './evidence.ts'
import { txHash, TxSchema } from './tx.ts'
import { Address, Hash, Height, Micros } from './wireSchemas.ts'

/**
 * A block of the chain (CometBFT `Block`). The header commits to everything else by
 * hash, so the block id — the hash of the header — names the whole block.
 */
export const BlockHeaderSchema = Schema.Struct({
  chainId: Schema.String.pipe(Schema.minLength(1)),
  height: Height,
  /** BFT time: the weighted median of the LastCommit's timestamps (genesis time at height 1). */
  time: Micros,
  /** Null at height 1. */
  lastBlockId: Schema.NullOr(Hash),
  proposerAddress: Address,
  /** This height's validators, and the next height's (fixed one height ahead). */
  validatorsHash: Hash,
  nextValidatorsHash: Hash,
  /** The application's hash after the previous block (genesis state at height 1). */
  appHash: Schema.String.pipe(Schema.minLength(1)),
  txsHash: Hash,
  evidenceHash: Hash,
  lastCommitHash: Hash,
})
export type BlockHeader = typeof BlockHeaderSchema.Type

export const BlockSchema = Schema.Struct({
  header: BlockHeaderSchema,
  txs: Schema.Array(TxSchema),
  evidence: Schema.Array(DuplicateVoteEvidenceSchema),
  /** The +2/3 precommits for the previous block; null at height 1. */
  lastCommit: Schema.NullOr(CommitSchema),
})
export type Block = typeof BlockSchema.Type

/**
 * A decoded CBOR value as a block, or why not. Unknown fields are refused rather than
 * dropped, so that the block id the host computes is over what the proposer sent.
 */
export const decodeBlock = (value: unknown): Either.Either<Block, string> =>
  Schema.decodeUnknownEither(BlockSchema, { onExcessProperty: 'error' })(value).pipe(
    Either.mapLeft((error) => ParseResult.TreeFormatter.formatErrorSync(error)),
  )

/** Memoized per object: headers and validator lists are immutable and hashed again and again. */
const memoized = <K extends object>(hash: (key: K) => string) => {
  const known = new WeakMap<K, string>()
  return (key: K): string => {
    let id = known.get(key)
    if (id === undefined) known.set(key, (id = hash(key)))
    return id
  }
}

const headerId = memoized((header: BlockHeader) => canonicalHash(header))

export const blockIdOf = (block: Pick<Block, 'header'>): string => headerId(block.header)

/** Over (address, power) in the set's index order; priorities change every height and are left out. */
export const validatorSetHash: (validators: readonly Pick<Validator, 'address' | 'power'>[]) => string = memoized((validators) =>
  canonicalHash(validators.map((v) => ({ address: v.address, power: v.power }))),
)

export const txsHash = (txs: readonly Tx[]): string => canonicalHash(txs.map(txHash))

export const evidenceHash = (evidence: readonly DuplicateVoteEvidence[]): string => canonicalHash(evidence.map(evidenceId))

export const lastCommitHash = (lastCommit: Commit | null): string => canonicalHash(lastCommit)

export interface BlockParts {
  readonly chainId: string
  readonly height: number
  readonly time: number
  readonly lastBlockId: string | null
  readonly proposerAddress: string
  readonly validators: readonly Pick<Validator, 'address' | 'power'>[]
  readonly nextValidators: readonly Pick<Validator, 'address' | 'power'>[]
  readonly appHash: string
  readonly txs: readonly Tx[]
  readonly evidence: readonly DuplicateVoteEvidence[]
  readonly lastCommit: Commit | null
}

/** A block with every header hash computed from its parts. */
export const buildBlock = (parts: BlockParts): Block => ({
  header: {
    chainId: parts.chainId,
    height: parts.height,
    time: parts.time,
    lastBlockId: parts.lastBlockId,
    proposerAddress: parts.proposerAddress,
    validatorsHash: validatorSetHash(parts.validators),
    nextValidatorsHash: validatorSetHash(parts.nextValidators),
    appHash: parts.appHash,
    txsHash: txsHash(parts.txs),
    evidenceHash: evidenceHash(parts.evidence),
    lastCommitHash: lastCommitHash(parts.lastCommit),
  },
  txs: parts.txs,
  evidence: parts.evidence,
  lastCommit: parts.lastCommit,
})

/**
 * Why the block's contents do not match the hashes in its header, or undefined. The block
 * id covers only the header, so a block whose id is signed can still carry other contents.
 * Memoized per block object: every validator checks the same (shared, immutable) block
 * when it is proposed and again when it is committed.
 */
export const contentsMismatch = (block: Block): string | undefined => {
  const known = mismatches.get(block)
  if (known !== undefined) return known.problem
  const problem = firstMismatch(block)
  mismatches.set(block, { problem })
  return problem
}

const mismatches = new WeakMap<Block, { readonly problem: string | undefined }>()

const firstMismatch = (block: Block): string | undefined => {
  if (block.header.txsHash !== txsHash(block.txs)) return 'txsHash does not match the txs'
  if (block.header.evidenceHash !== evidenceHash(block.evidence)) return 'evidenceHash does not match the evidence'
  if (block.header.lastCommitHash !== lastCommitHash(block.lastCommit)) return 'lastCommitHash does not match the lastCommit'
  return undefined
}
