import { Either } from 'effect'
import type { Commit } from '../../protocols/chain/index.ts'
import type { SignedVote } from '../../protocols/tendermint/index.ts'
import { decodeStrict, encodeCanonical } from '../../runtime/codec/cbor.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import type { StoreService } from '../../runtime/services.ts'

const key = (height: number): string => `validator/block/${String(height).padStart(12, '0')}`

export interface StoredBlock {
  /** The block's canonical bytes, exactly as proposed (its id is the hash of their header). */
  readonly block: Uint8Array
  readonly commit: Commit
}

/**
 * Each precommit's canonical bytes, for as long as the vote object lives. A stored commit
 * holds its precommits as these bytes, so a vote object is encoded once per process
 * however many commits hold it: in simulation every validator stores the same decoded
 * votes, and at 64 validators encoding each validator's commit field by field cost 7% of
 * a height. (Vote objects are never changed once made, so the bytes stay right.)
 */
const encodedVotes = new WeakMap<SignedVote, Uint8Array>()

const encodedVote = (vote: SignedVote): Uint8Array => {
  let bytes = encodedVotes.get(vote)
  if (bytes === undefined) encodedVotes.set(vote, (bytes = encodeCanonical(vote)))
  return bytes
}

/** A stored precommit: its bytes, or (records written before votes were kept as bytes) the vote itself. */
const storedVote = (stored: unknown): SignedVote | undefined => {
  if (!(stored instanceof Uint8Array)) return stored as SignedVote
  const decoded = decodeStrict(stored, Number.POSITIVE_INFINITY)
  return Either.isRight(decoded) ? (decoded.right as SignedVote) : undefined
}

/** Committed blocks with their commits: a validator's only durable chain data. */
export class BlockStore {
  constructor(private readonly store: StoreService) {}

  /**
   * Kept and made durable before it returns, as CometBFT saves a block before applying
   * it. A committed block lost to a crash may be held by no peer (a byzantine validator
   * can have shown its precommits to this one alone), and after the restart this
   * validator could commit a different block at that height.
   */
  save(height: number, stored: StoredBlock): void {
    const commit = { ...stored.commit, signatures: stored.commit.signatures.map(encodedVote) }
    this.store.put(key(height), encodeStored({ block: stored.block, commit }))
    this.store.sync()
  }

  /** The block and commit saved at `height`; undefined when none was, or when the record does not decode. */
  load(height: number): StoredBlock | undefined {
    const bytes = this.store.get(key(height))
    if (bytes === undefined) return undefined
    const decoded = decodeStored(bytes)
    if (Either.isLeft(decoded)) return undefined
    const record = decoded.right as { readonly block: Uint8Array; readonly commit: Omit<Commit, 'signatures'> & { readonly signatures: readonly unknown[] } }
    const signatures: SignedVote[] = []
    for (const stored of record.commit.signatures) {
      const vote = storedVote(stored)
      if (vote === undefined) return undefined
      signatures.push(vote)
    }
    return { block: record.block, commit: { ...record.commit, signatures } }
  }
}
