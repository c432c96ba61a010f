import type { Tx, TxResult } from './application.ts'
import { txFacts } from './tx.ts'

/**
 * The pending transactions of one validator (CometBFT's CList mempool), without I/O:
 * the actor feeds it, asks it for a block's worth, and gossips what `add` reports as new.
 *
 * It is a class that updates itself in place, unlike the copy-on-write protocol state
 * elsewhere: under load it holds thousands of transactions and copying them on every add
 * would make admission quadratic. Its behaviour is still a function of its inputs.
 */

export interface MempoolLimits {
  /** CometBFT `mempool.size`. */
  readonly maxTxs: number
  /** CometBFT `max_txs_bytes`: all pending transactions together. */
  readonly maxBytes: number
  /** CometBFT `max_tx_bytes`: one transaction. */
  readonly maxTxBytes: number
  /** How many committed transaction ids are remembered, so a late gossip copy is not re-added (CometBFT `cache_size`). */
  readonly committedCacheSize: number
}

/** CometBFT's defaults. */
export const DEFAULT_MEMPOOL_LIMITS: MempoolLimits = {
  maxTxs: 5_000,
  maxBytes: 1_073_741_824,
  maxTxBytes: 1_048_576,
  committedCacheSize: 10_000,
}

/** What became of a transaction offered to the mempool; only `added` is news to gossip. */
export type AddTxOutcome =
  | { readonly outcome: 'added'; readonly hash: string }
  | { readonly outcome: 'duplicate'; readonly hash: string }
  | { readonly outcome: 'committed'; readonly hash: string }
  | { readonly outcome: 'too-large'; readonly hash: string; readonly bytes: number }
  | { readonly outcome: 'full'; readonly hash: string }
  | { readonly outcome: 'rejected'; readonly hash: string; readonly result: TxResult }

interface Entry {
  readonly tx: Tx
  readonly bytes: number
}

export class Mempool {
  /** Insertion order of a Map is arrival order: the order reap hands transactions out. */
  private readonly entries = new Map<string, Entry>()
  private readonly committed = new Map<string, true>()
  private totalBytes = 0

  constructor(readonly limits: MempoolLimits = DEFAULT_MEMPOOL_LIMITS) {}

  /** Admits `tx` if it is new, fits, and the application's CheckTx accepts it. */
  add(tx: Tx, checkTx: (tx: Tx) => TxResult): AddTxOutcome {
    const { hash, bytes } = txFacts(tx)
    if (bytes > this.limits.maxTxBytes) return { outcome: 'too-large', hash, bytes }
    if (this.entries.has(hash)) return { outcome: 'duplicate', hash }
    if (this.committed.has(hash)) return { outcome: 'committed', hash }
    if (this.entries.size >= this.limits.maxTxs || this.totalBytes + bytes > this.limits.maxBytes) return { outcome: 'full', hash }
    const result = checkTx(tx)
    if (result.code !== 0) return { outcome: 'rejected', hash, result }
    this.entries.set(hash, { tx, bytes })
    this.totalBytes += bytes
    return { outcome: 'added', hash }
  }

  /**
   * The oldest transactions, for a proposal: the longest prefix in arrival order within
   * `maxTxs` and `maxBytes` (like CometBFT's ReapMaxBytesMaxGas, it stops at the first
   * that does not fit rather than reordering). They stay until committed.
   */
  reap(maxBytes: number, maxTxs: number): Tx[] {
    const txs: Tx[] = []
    let bytes = 0
    for (const entry of this.entries.values()) {
      if (txs.length >= maxTxs || bytes + entry.bytes > maxBytes) break
      txs.push(entry.tx)
      bytes += entry.bytes
    }
    return txs
  }

  /**
   * Drops the transactions of a committed block and remembers the ids of those that
   * executed (`results` in block order); returns how many were pending. One the block
   * refused is forgotten, as CometBFT does with `keep-invalid-txs-in-cache` off: sent
   * again, it may succeed once the state allows it.
   */
  removeCommitted(txs: readonly Tx[], results: readonly TxResult[]): number {
    let removed = 0
    txs.forEach((tx, i) => {
      const { hash } = txFacts(tx)
      if (this.remove(hash)) removed++
      this.committed.delete(hash)
      if (results[i]?.code !== 0) return
      this.committed.set(hash, true)
      if (this.committed.size > this.limits.committedCacheSize) this.committed.delete(this.committed.keys().next().value!)
    })
    return removed
  }

  /**
   * CometBFT's recheck after a commit: runs CheckTx again, against the new state, on every
   * pending transaction in arrival order and drops those now rejected (a spent nonce, a
   * balance gone). Returns the dropped ones.
   */
  recheck(checkTx: (tx: Tx) => TxResult): Tx[] {
    const dropped: Tx[] = []
    for (const [hash, entry] of [...this.entries]) {
      if (checkTx(entry.tx).code === 0) continue
      this.remove(hash)
      dropped.push(entry.tx)
    }
    return dropped
  }

  /** Size figures for gauges. */
  get size(): { readonly txs: number; readonly bytes: number } {
    return { txs: this.entries.size, bytes: this.totalBytes }
  }

  private remove(hash: string): boolean {
    const entry = this.entries.get(hash)
    if (entry === undefined) return false
    this.entries.delete(hash)
    this.totalBytes -= entry.bytes
    return true
  }
}
