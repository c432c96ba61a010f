/**
 * Recent signature-check answers, found by the first bytes of the signature (as good as
 * random) and each kept with everything it must match exactly: a lookup costs a small
 * integer key and a few comparisons, where hashing the key, message and signature
 * together cost as much as the rest of receiving a vote. Oldest answers go first.
 */
export class SignatureMemo<Entry extends { readonly signature: Uint8Array; readonly valid: boolean }> {
  private readonly entries = new Map<number, Entry>()

  constructor(private readonly capacity: number) {}

  /**
   * The entry kept for `signature`, if any: the caller checks that the rest of its
   * question matches (a function to do that would be one more object per lookup).
   */
  entryFor(signature: Uint8Array): Entry | undefined {
    const entry = this.entries.get(slotOf(signature))
    return entry !== undefined && sameBytes(entry.signature, signature) ? entry : undefined
  }

  /** Keeps `entry`, whose fields the caller must not change afterwards (copy buffers it reuses). */
  remember(entry: Entry): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(slotOf(entry.signature), entry)
  }
}

/** 30 bits of the signature: a small integer, the cheapest kind of map key. */
const slotOf = (signature: Uint8Array): number =>
  ((signature[0] ?? 0) | ((signature[1] ?? 0) << 8) | ((signature[2] ?? 0) << 16) | (((signature[3] ?? 0) & 0x3f) << 24)) >>> 0

/** A plain loop: for signatures and keys it beats a call into native code. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
