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

  /**
   * Kept, and made durable by the store's next sync — in practice the double-sign guard's,
   * before this validator's next vote leaves. Not synced here: a block lost to a crash is
   * fetched again from peers by block sync, while a sync per commit cost a disk flush per
   * height (~2 ms on the development VM, as much as the rest of the height).
   */
  save(height: number, stored: StoredBlock): void {
    this.store.put(key(height), encodeStored(stored))
  }

  load(height: number): StoredBlock | undefined {
    const bytes = this.store.get(key(height))
    if (bytes === undefined) return undefined
    const decoded = decodeStored(bytes)
    return Either.isRight(decoded) ? (decoded.right as StoredBlock) : undefined
  }
}
