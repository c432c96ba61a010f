import { Prng, type PrngState } from '../../shared/prng.ts'

/**
 * Which member to probe next. SWIM's round-robin variant: walk a shuffled list of the
 * other members, one per protocol period, and reshuffle at the end of each pass. Random
 * order spreads the probes of different nodes over different targets; walking the whole
 * list bounds how long a crashed member can go unprobed — at most 2·(n − 1) − 1 periods
 * between two probes of the same member (first of one pass, last of the next).
 */
export interface ProbeOrder {
  readonly order: readonly string[]
  /** Index in `order` of the next candidate; at `order.length` the pass is over. */
  readonly next: number
}

/** An empty pass, so that the first pick shuffles. */
export const initialProbeOrder: ProbeOrder = { order: [], next: 0 }

/**
 * The next member of the pass for which `eligible` holds (the machine skips dead
 * members: they are probed separately and rarely). Undefined when none is eligible.
 */
export const nextProbeTarget = (
  state: ProbeOrder,
  peers: readonly string[],
  eligible: (member: string) => boolean,
  prng: PrngState,
): { readonly target: string | undefined; readonly state: ProbeOrder; readonly prng: PrngState } => {
  let { order, next } = state
  let rng: Prng | undefined
  // Two passes' worth of candidates always include one whole fresh pass, i.e. every peer.
  for (let scanned = 0; scanned < 2 * peers.length; scanned++) {
    if (next >= order.length) {
      rng ??= new Prng(prng)
      order = rng.shuffle(peers)
      next = 0
    }
    const candidate = order[next]!
    next++
    if (eligible(candidate)) return { target: candidate, state: { order, next }, prng: rng?.snapshot() ?? prng }
  }
  return { target: undefined, state: { order, next }, prng: rng?.snapshot() ?? prng }
}

/** Up to `count` distinct members drawn uniformly from `candidates` (e.g. ping-req helpers). */
export const pickRandom = (
  candidates: readonly string[],
  count: number,
  prng: PrngState,
): { readonly picked: string[]; readonly prng: PrngState } => {
  if (count <= 0 || candidates.length === 0) return { picked: [], prng }
  const rng = new Prng(prng)
  // A partial Fisher–Yates: only the first `count` positions are drawn.
  const pool = candidates.slice()
  const take = Math.min(count, pool.length)
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(pool.length - i)
    const tmp = pool[i]!
    pool[i] = pool[j]!
    pool[j] = tmp
  }
  return { picked: pool.slice(0, take), prng: rng.snapshot() }
}
