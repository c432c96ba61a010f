import { createHash } from 'node:crypto'
import { canonicalBytes } from '../../shared/canonicalHash.ts'

/**
 * The kv application's state: each key once, spread over a fixed number of buckets by a
 * hash of the key, each bucket sorted by key (UTF-16 code-unit order). Plain values that
 * encode to CBOR as they are.
 *
 * Why buckets: the app hash is recomputed by every validator after every block. Hashing
 * all entries made it cost O(state) per block (~330 µs at 1,000 keys, as much as the
 * signature work of a 4-validator height); with buckets a block rehashes only the buckets
 * it wrote to and the short list of bucket digests, and unchanged buckets are shared
 * between successive states.
 */
export type KvEntry = readonly [key: string, value: string]
export type KvBucket = readonly KvEntry[]
export type KvState = readonly KvBucket[]

const KV_BUCKETS = 64

const EMPTY_BUCKET: KvBucket = []

export const emptyKvState = (): KvState => Array.from({ length: KV_BUCKETS }, () => EMPTY_BUCKET)

/** FNV-1a over the key's UTF-16 code units: the same bucket on every node. */
const bucketOf = (key: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % KV_BUCKETS
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The value of `key`, by binary search in its bucket. */
export const kvGet = (state: KvState, key: string): string | undefined => {
  const bucket = state[bucketOf(key)]!
  let lo = 0
  let hi = bucket.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (bucket[mid]![0] < key) lo = mid + 1
    else hi = mid
  }
  const entry = bucket[lo]
  return entry !== undefined && entry[0] === key ? entry[1] : undefined
}

/** Every entry, sorted by key. */
export const kvEntries = (state: KvState): KvEntry[] => state.flat().sort(([a], [b]) => compareKeys(a, b))

/** Merges one bucket's writes (sorted by key) into its sorted entries in one pass. */
const mergeBucket = (bucket: KvBucket, writes: readonly KvEntry[]): KvBucket => {
  const merged: KvEntry[] = []
  let i = 0
  for (const write of writes) {
    while (i < bucket.length && bucket[i]![0] < write[0]) merged.push(bucket[i++]!)
    if (i < bucket.length && bucket[i]![0] === write[0]) i++
    merged.push(write)
  }
  while (i < bucket.length) merged.push(bucket[i++]!)
  return merged
}

/** The state with a block's writes (the last write of each key) applied; untouched buckets are shared. */
export const applyWrites = (state: KvState, writes: ReadonlyMap<string, string>): KvState => {
  if (writes.size === 0) return state
  const byBucket = new Map<number, KvEntry[]>()
  for (const [key, value] of [...writes].sort(([a], [b]) => compareKeys(a, b))) {
    const bucket = bucketOf(key)
    let list = byBucket.get(bucket)
    if (list === undefined) byBucket.set(bucket, (list = []))
    list.push([key, value])
  }
  const next = state.slice()
  for (const [bucket, list] of byBucket) next[bucket] = mergeBucket(state[bucket]!, list)
  return next
}

/** Memoized per bucket object: buckets are immutable and most are shared with the previous state. */
const digests = new WeakMap<KvBucket, Uint8Array>()

const bucketDigest = (bucket: KvBucket): Uint8Array => {
  let digest = digests.get(bucket)
  if (digest === undefined) digests.set(bucket, (digest = createHash('sha256').update(canonicalBytes(bucket)).digest()))
  return digest
}

/** sha256 over the buckets' digests (each the sha256 of the bucket's canonical CBOR), in bucket order. */
export const kvStateHash = (state: KvState): string => createHash('sha256').update(Buffer.concat(state.map(bucketDigest))).digest('hex')
