import { canonicalHash } from '../../shared/canonicalHash.ts'
import type { Application, TxResult } from '../chain/application.ts'
import { isKvSetTx, KV_SET } from './kvTx.ts'

/**
 * A key-value store as a chain application, to put load on the chain: `kv.set` writes a
 * key, the last write in a block wins. No validator updates, no vote extensions.
 */

/**
 * Entries sorted by key (UTF-16 code-unit order), each key once: a plain value that
 * encodes to CBOR as it is, and whose hash is the app hash.
 */
export type KvState = readonly (readonly [key: string, value: string])[]

export const KV_APP_NAME = 'kv'

const OK: TxResult = { code: 0, log: '' }
const INVALID: TxResult = {
  code: 1,
  log: `expected {type: "${KV_SET}", key, value}: non-empty key, strings within the size limits, no other fields`,
}

/** The value of `key`, by binary search. */
export const kvGet = (state: KvState, key: string): string | undefined => {
  let lo = 0
  let hi = state.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (state[mid]![0] < key) lo = mid + 1
    else hi = mid
  }
  const entry = state[lo]
  return entry !== undefined && entry[0] === key ? entry[1] : undefined
}

/** Merges a block's writes into the sorted entries in one pass. */
const applyWrites = (state: KvState, writes: ReadonlyMap<string, string>): KvState => {
  if (writes.size === 0) return state
  const sortedWrites = [...writes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const merged: (readonly [string, string])[] = []
  let i = 0
  for (const write of sortedWrites) {
    while (i < state.length && state[i]![0] < write[0]) merged.push(state[i++]!)
    if (i < state.length && state[i]![0] === write[0]) i++
    merged.push(write)
  }
  while (i < state.length) merged.push(state[i++]!)
  return merged
}

export const kvApp: Application<KvState> = {
  name: KV_APP_NAME,
  init: () => [],
  checkTx: (_state, tx) => (isKvSetTx(tx) ? OK : INVALID),
  prepareProposal: (_state, txs) => txs.filter((tx) => isKvSetTx(tx)),
  processProposal: (_state, txs) => txs.every((tx) => isKvSetTx(tx)),
  extendVote: () => new Uint8Array(),
  verifyVoteExtension: (_state, _height, _blockId, extension) => extension.length === 0,
  finalizeBlock: (state, txs) => {
    const writes = new Map<string, string>()
    const txResults = txs.map((tx) => {
      if (!isKvSetTx(tx)) return INVALID
      writes.set(tx.key, tx.value)
      return OK
    })
    return { state: applyWrites(state, writes), txResults, validatorUpdates: [], events: [] }
  },
  appHash: (state) => canonicalHash(state),
}
