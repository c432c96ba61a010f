import { createHash } from 'node:crypto'
import { Prng } from '../shared/prng.ts'
import type { RandomService } from './services.ts'

/**
 * Seeds for every consumer of randomness in a run (actors, the network model, key
 * generation) come from the run seed and a label, through sha256: the result is the
 * same on every run and platform, and changing how one consumer draws numbers never
 * shifts another consumer's stream (which sharing one generator would do).
 */

/** Domain tags keep a numeric seed and a key seed for the same label unrelated. */
const SEED_DOMAIN = 'strata/seed/v1'
const KEY_SEED_DOMAIN = 'strata/key-seed/v1'

const digest = (domain: string, runSeed: number, label: string): Buffer => {
  if (!Number.isSafeInteger(runSeed)) throw new RangeError(`run seed must be a safe integer, got ${runSeed}`)
  // NUL separators: the decimal seed never contains one, so (seed, label) pairs cannot collide.
  return createHash('sha256').update(`${domain}\0${runSeed}\0${label}`, 'utf8').digest()
}

/** A 32-bit seed for the stream named `label`, e.g. `deriveSeed(runSeed, 'actor:' + id)`. */
export const deriveSeed = (runSeed: number, label: string): number => digest(SEED_DOMAIN, runSeed, label).readUInt32BE(0)

/** 32 bytes of seed material for a deterministic key pair (ed25519 in simulation). */
export const deriveKeySeed = (runSeed: number, label: string): Uint8Array => new Uint8Array(digest(KEY_SEED_DOMAIN, runSeed, label))

/**
 * The RandomService over the shared sfc32 generator. `int` maps a 32-bit draw onto
 * [0, n) by multiplication, as protocols using `Prng` directly do; its bias is below
 * n / 2^32, far under anything a simulation can observe.
 */
export class SeededRandom implements RandomService {
  private readonly prng: Prng

  constructor(readonly seed: number) {
    this.prng = Prng.fromSeed(seed)
  }

  next(): number {
    return this.prng.next()
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`)
    return this.prng.int(n)
  }

  bytes(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`bytes(n) needs a non-negative integer, got ${n}`)
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i += 4) {
      const word = this.prng.uint32()
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (word >>> (8 * j)) & 0xff
    }
    return out
  }

  shuffle<T>(items: readonly T[]): T[] {
    return this.prng.shuffle(items)
  }

  /**
   * An independent child stream, e.g. one per protocol inside an actor. It depends only
   * on this stream's seed and the label, not on how much has been drawn here, so adding
   * draws to the parent never changes the child. The same label gives the same stream.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(deriveSeed(this.seed, label))
  }
}

/** An actor's random stream: derived from the run seed and its id alone, the same in simulation, live, and in a replay of a live run. */
export const actorRandom = (runSeed: number, actor: string): SeededRandom => new SeededRandom(deriveSeed(runSeed, `actor:${actor}`))
