import type { Application, TxResult } from '../chain/application.ts'
import { isKvSetTx, KV_SET } from './kvTx.ts'
import { applyWrites, emptyKvState, kvStateHash, type KvState } from './kvState.ts'

/**
 * A key-value store as a chain application, to put load on the chain: `kv.set` writes a
 * key, the last write in a block wins. No validator updates, no vote extensions.
 */

export const KV_APP_NAME = 'kv'

const OK: TxResult = { code: 0, log: '' }
const INVALID: TxResult = {
  code: 1,
  log: `expected {type: "${KV_SET}", key, value}: non-empty key, strings within the size limits, no other fields`,
}

export const kvApp: Application<KvState> = {
  name: KV_APP_NAME,
  init: emptyKvState,
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
  appHash: kvStateHash,
}
