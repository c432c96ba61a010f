/**
 * Map keys decoded from bytes, cached so that the same bytes give back the same string,
 * already internalized. V8 adds a property much more slowly under a string it has not seen
 * as a key (it looks it up in its string table first): building a 7-key object with fresh
 * key strings measured 4x slower than with known ones. Messages of one kind repeat their
 * keys, so nearly every lookup hits.
 *
 * Direct-mapped by a hash of the bytes: a collision only costs a decode. Only keys already
 * checked (valid UTF-8, canonical) are remembered, so a hit needs no further check.
 */
export const MAX_CACHED_KEY_BYTES = 32

const SLOTS = 4096
const slotBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(SLOTS).fill(undefined)
const slotKeys: string[] = new Array<string>(SLOTS).fill('')

const slotOf = (bytes: Uint8Array, from: number, end: number): number => {
  let hash = end - from
  for (let i = from; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193)
  return (hash ^ (hash >>> 15)) & (SLOTS - 1)
}

/** The key held by bytes[from, end) if it was remembered, else undefined. */
export const cachedKey = (bytes: Uint8Array, from: number, end: number): string | undefined => {
  const slot = slotOf(bytes, from, end)
  const known = slotBytes[slot]
  if (known === undefined || known.length !== end - from) return undefined
  for (let i = 0; i < known.length; i++) if (known[i] !== bytes[from + i]) return undefined
  return slotKeys[slot]
}

/** Remembers the key held by bytes[from, end) and returns it internalized. */
export const rememberKey = (bytes: Uint8Array, from: number, end: number, key: string): string => {
  // Object.keys hands back the internalized copy of a string used as a property name.
  const internalized = Object.keys({ [key]: 0 })[0]!
  const slot = slotOf(bytes, from, end)
  slotBytes[slot] = bytes.slice(from, end)
  slotKeys[slot] = internalized
  return internalized
}
