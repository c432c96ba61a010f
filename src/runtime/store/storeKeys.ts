import { Data } from 'effect'

/**
 * The key rules every StoreService implementation shares, so a key that works in a
 * simulated MemoryStore also works in an LmdbStore: keys are stored as their UTF-8
 * bytes and listed in bytewise order.
 */

/** LMDB's limit with the default page size. */
export const MAX_KEY_BYTES = 1978

export class InvalidStoreKey extends Data.TaggedError('InvalidStoreKey')<{ readonly key: string; readonly reason: string }> {}

/** A lone surrogate has no UTF-8 form: two such keys would collide on disk. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const checkWellFormed = (key: string): void => {
  if (LONE_SURROGATE.test(key)) throw new InvalidStoreKey({ key, reason: 'contains a lone UTF-16 surrogate' })
}

/** Throws InvalidStoreKey for a key no store can hold: empty, not valid Unicode, or too long. */
export const checkStoreKey = (key: string): void => {
  if (key.length === 0) throw new InvalidStoreKey({ key, reason: 'is empty (LMDB has no empty keys)' })
  checkWellFormed(key)
  const bytes = Buffer.byteLength(key, 'utf8')
  if (bytes > MAX_KEY_BYTES) throw new InvalidStoreKey({ key, reason: `is ${bytes} UTF-8 bytes, over the ${MAX_KEY_BYTES} limit` })
}

/** A prefix may be empty (all keys), but must be valid Unicode for prefix matching to mean byte-prefix matching. */
export const checkKeyPrefix = checkWellFormed

/**
 * Orders well-formed strings as their UTF-8 bytes would order, without encoding them.
 * UTF-8 byte order is code point order; UTF-16 code unit order differs from it only in
 * that surrogates (D800–DFFF, which encode code points above FFFF) must sort after
 * E000–FFFF, so the first differing unit is re-ranked accordingly.
 */
export const compareKeysBytewise = (a: string, b: string): number => {
  const shorter = Math.min(a.length, b.length)
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

const codePointRank = (unit: number): number => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800)
