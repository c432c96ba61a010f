/**
 * sfc32: a small, fast, well-distributed PRNG whose whole state is four 32-bit words,
 * so a protocol can keep it in its (serializable) context and stay a pure function of
 * its inputs. Not for keys: key material comes from the runtime's seeded key derivation.
 */
export type PrngState = readonly [number, number, number, number]

/** Spreads one 32-bit seed over the four state words and warms the generator up. */
export const prngFromSeed = (seed: number): PrngState => {
  let state: PrngState = [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0]
  for (let i = 0; i < 12; i++) state = prngNext(state)[1]
  return state
}

/** Returns a uniform 32-bit unsigned integer and the next state. */
export const prngNext = (s: PrngState): readonly [number, PrngState] => {
  const words: [number, number, number, number] = [s[0], s[1], s[2], s[3]]
  return [advance(words), words]
}

/** One sfc32 step on `words`, in place; returns the drawn number. */
const advance = (words: [number, number, number, number]): number => {
  // Indexed reads, not `let [a, b, c, d] = words`: destructuring went through the array
  // iterator, and its result objects were garbage on every draw (one per message sent).
  let a = words[0]
  let b = words[1]
  let c = words[2]
  let d = words[3]
  const t = (((a + b) | 0) + d) | 0
  d = (d + 1) | 0
  a = b ^ (b >>> 9)
  b = (c + (c << 3)) | 0
  c = (c << 21) | (c >>> 11)
  c = (c + t) | 0
  words[0] = a
  words[1] = b
  words[2] = c
  words[3] = d
  return t >>> 0
}

/**
 * A mutable wrapper for code that draws many numbers in one step. Its words change in
 * place: the simulator draws for every message, and a new state per draw was garbage.
 */
export class Prng {
  private readonly words: [number, number, number, number]

  constructor(state: PrngState) {
    this.words = [state[0], state[1], state[2], state[3]]
  }

  static fromSeed(seed: number): Prng {
    return new Prng(prngFromSeed(seed))
  }

  snapshot(): PrngState {
    return [this.words[0], this.words[1], this.words[2], this.words[3]]
  }

  uint32(): number {
    return advance(this.words)
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = out[i]!
      out[i] = out[j]!
      out[j] = tmp
    }
    return out
  }
}
