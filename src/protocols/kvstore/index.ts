/** The key-value application: load for the chain. */
export { kvApp, KV_APP_NAME } from './kvApp.ts'
export { kvEntries, kvGet, type KvState } from './kvState.ts'
export { isKvSetTx, KV_SET, KvSetTx, MAX_KEY_BYTES, MAX_VALUE_BYTES } from './kvTx.ts'
