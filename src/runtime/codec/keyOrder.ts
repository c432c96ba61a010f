import { CborWriter } from './cborWriter.ts'

/**
 * The canonical order of an object's keys — RFC 8949 §4.2.1: bytewise on their encoded
 * form, so shorter UTF-8 first, then bytewise (JS puts integer-like keys first, and orders
 * by UTF-16, so neither its order nor a plain string sort will do) — with each key's
 * encoded bytes. Messages of one kind share their key lists, so the order is computed once
 * per list and cached: the encoder then only checks that Object.keys gave the same list.
 */
export interface KeyOrder {
  /** The keys as Object.keys listed them: what a cached order is looked up by. */
  readonly keys: readonly string[]
  readonly sorted: readonly string[]
  /** Head and UTF-8 of each sorted key. */
  readonly encoded: readonly Uint8Array[]
  /**
   * Index in `sorted` of the first key that has no canonical form: one starting with
   * U+FEFF, or one whose UTF-8 repeats the previous key's (two lone surrogates both become
   * U+FFFD). -1 when there is none.
   */
  readonly firstBadKey: number
}

// Enough for every message kind and stored record of a node; a workload with more distinct
// key lists (maps keyed by ids) empties the cache when it fills rather than growing it.
const MAX_CACHED = 2048

const cache = new Map<string, KeyOrder[]>()
let cached = 0

/** `keys` must not be empty. */
export const keyOrder = (keys: readonly string[]): KeyOrder => {
  const candidates = cache.get(keys[0]!)
  if (candidates !== undefined) {
    for (const order of candidates) if (sameKeys(order.keys, keys)) return order
  }
  const order = computeOrder(keys)
  if (cached >= MAX_CACHED) {
    cache.clear()
    cached = 0
  }
  const list = cache.get(keys[0]!)
  if (list === undefined) cache.set(keys[0]!, [order])
  else list.push(order)
  cached++
  return order
}

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const keyWriter = new CborWriter()

const encodeKey = (key: string): Uint8Array => {
  keyWriter.reset()
  keyWriter.text(key)
  return keyWriter.take()
}

const computeOrder = (keys: readonly string[]): KeyOrder => {
  // Array.prototype.sort is stable: keys whose bytes tie keep Object.keys order, as in cborg.
  const entries = keys.map((key) => ({ key, encoded: encodeKey(key) })).sort((a, b) => compareBytes(a.encoded, b.encoded))
  let firstBadKey = -1
  for (let i = 0; i < entries.length && firstBadKey < 0; i++) {
    const key = entries[i]!
    if (key.key.charCodeAt(0) === 0xfeff || (i > 0 && compareBytes(entries[i - 1]!.encoded, key.encoded) === 0)) firstBadKey = i
  }
  return { keys: keys.slice(), sorted: entries.map((entry) => entry.key), encoded: entries.map((entry) => entry.encoded), firstBadKey }
}

/** Bytewise lexicographic order, a proper prefix first. */
const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const common = Math.min(a.length, b.length)
  for (let i = 0; i < common; i++) {
    const difference = a[i]! - b[i]!
    if (difference !== 0) return difference
  }
  return a.length - b.length
}
