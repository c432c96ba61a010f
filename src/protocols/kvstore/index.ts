/** The key-value application: load for the chain. */
export { kvApp, kvGet, KV_APP_NAME, type KvState } from './kvApp.ts'
export { isKvSetTx, KV_SET, KvSetTx, MAX_KEY_BYTES, MAX_VALUE_BYTES } from './kvTx.ts'
