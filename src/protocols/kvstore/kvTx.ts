import { Schema } from 'effect'
import { compileGuard } from '../../shared/schemaGuard.ts'

/** The kv application's one transaction: `kv.set {key, value}`, both strings of bounded size. */

export const KV_SET = 'kv.set'

/** UTF-8 bytes; bounds what one transaction can make every node store. */
export const MAX_KEY_BYTES = 256
export const MAX_VALUE_BYTES = 65_536

const utf8 = new TextEncoder()
// No UTF-16 code unit takes more than 3 UTF-8 bytes: most strings pass without being encoded.
const withinBytes = (max: number) => (s: string) => s.length * 3 <= max || utf8.encode(s).length <= max || `longer than ${max} UTF-8 bytes`

export const KvSetTx = Schema.Struct({
  type: Schema.Literal(KV_SET),
  key: Schema.String.pipe(Schema.minLength(1), Schema.filter(withinBytes(MAX_KEY_BYTES))),
  value: Schema.String.pipe(Schema.filter(withinBytes(MAX_VALUE_BYTES))),
})
export type KvSetTx = typeof KvSetTx.Type

const hasFields = compileGuard(KvSetTx)
const FIELD_COUNT = Object.keys(KvSetTx.fields).length

/**
 * The schema, with any own key besides its three fields refused (as Effect's
 * `onExcessProperty: 'error'` does): extra fields would change a transaction's id without
 * changing what it does. A compiled guard, not `Schema.is`: inside a run, Effect's parser
 * measured ~30 µs a check (~3% of a 4-validator height), this ~3 µs.
 */
const matchesSchema = (value: object): boolean =>
  hasFields(value) && Object.keys(value).length === FIELD_COUNT && Object.getOwnPropertySymbols(value).length === 0

/**
 * Memoized per transaction object (transactions are immutable): one transaction is
 * checked at admission, at every recheck after a commit, in the proposal and in the
 * block, and a schema check costs more than the rest of what a kv write does.
 */
const verdicts = new WeakMap<object, boolean>()

export const isKvSetTx = (value: unknown): value is KvSetTx => {
  if (typeof value !== 'object' || value === null) return false
  let verdict = verdicts.get(value)
  if (verdict === undefined) verdicts.set(value, (verdict = matchesSchema(value)))
  return verdict
}
