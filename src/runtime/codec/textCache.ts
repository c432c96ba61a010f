/**
 * Short text decoded from bytes — map keys and text values — cached so that the same bytes
 * give back the same string without building it again. Messages repeat most of their text
 * (keys, kinds, actor ids, statuses): building a string costs ~70 ns where a hit costs ~25.
 *
 * A key is handed back internalized. V8 adds a property much more slowly under a string it
 * has not seen as a key (it looks it up in its string table first): building a 7-key object
 * with fresh key strings measured 4x slower than with known ones. Values are handed back
 * as decoded: internalizing one costs most of a microsecond, and most values (an
 * envelope's id) are seen once, or once per run.
 *
 * Direct-mapped by a hash of the bytes: a collision only costs a decode. Only text already
 * checked (valid UTF-8, canonical) is remembered, so a hit needs no further check. Each
 * slot keeps its bytes in one arena, so remembering allocates nothing.
 */
export const MAX_CACHED_TEXT_BYTES = 32

const SLOTS = 4096

const arena = new Uint8Array(SLOTS * MAX_CACHED_TEXT_BYTES)
/** Byte length of each slot's text; -1 while the slot is empty. */
const lengths = new Int8Array(SLOTS).fill(-1)
const texts: string[] = new Array<string>(SLOTS).fill('')
/** 1 once a slot's text was internalized, the first time it was wanted as a key. */
const internalized = new Uint8Array(SLOTS)

/** Where the text held by bytes[from, end) is cached, if it is. */
export const textSlot = (bytes: Uint8Array, from: number, end: number): number => {
  let hash = end - from
  for (let i = from; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193)
  return (hash ^ (hash >>> 15)) & (SLOTS - 1)
}

/**
 * The text held by bytes[from, end) (at most MAX_CACHED_TEXT_BYTES, in `slot`) if it was
 * remembered, else undefined; internalized when it is wanted `asKey`.
 */
export const cachedText = (slot: number, bytes: Uint8Array, from: number, end: number, asKey: boolean): string | undefined => {
  const length = end - from
  if (lengths[slot] !== length) return undefined
  const base = slot * MAX_CACHED_TEXT_BYTES
  for (let i = 0; i < length; i++) if (arena[base + i] !== bytes[from + i]) return undefined
  if (asKey && internalized[slot] === 0) {
    // Object.keys hands back the internalized copy of a string used as a property name.
    texts[slot] = Object.keys({ [texts[slot]!]: 0 })[0]!
    internalized[slot] = 1
  }
  return texts[slot]
}

/** Remembers `text`, the text held by bytes[from, end), in `slot`, and returns it. */
export const rememberText = (slot: number, bytes: Uint8Array, from: number, end: number, text: string): string => {
  const base = slot * MAX_CACHED_TEXT_BYTES
  for (let i = from; i < end; i++) arena[base + i - from] = bytes[i]!
  lengths[slot] = end - from
  texts[slot] = text
  internalized[slot] = 0
  return text
}
