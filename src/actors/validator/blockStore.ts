import { Either } from 'effect'
import type { Commit } from '../../protocols/chain/index.ts'
import { decodeStored, encodeStored } from '../../runtime/codec/storedValue.ts'
import type { StoreService } from '../../runtime/services.ts'

const key = (height: number): string => `validator/block/${String(height).padStart(12, '0')}`

export interface StoredBlock {
  /** The block's canonical bytes, exactly as proposed (its id is the hash of their header). */
  readonly block: Uint8Array
  readonly commit: Commit
}

/** Committed blocks with their commits: a validator's only durable chain data. */
export class BlockStore {
  constructor(private readonly store: StoreService) {}

  /** Durable before it returns: the block is committed once it is here. */
  save(height: number, stored: StoredBlock): void {
    this.store.put(key(height), encodeStored(stored))
    this.store.sync()
  }

  load(height: number): StoredBlock | undefined {
    const bytes = this.store.get(key(height))
    if (bytes === undefined) return undefined
    const decoded = decodeStored(bytes)
    return Either.isRight(decoded) ? (decoded.right as StoredBlock) : undefined
  }
}
