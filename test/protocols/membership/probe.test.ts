import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { prngFromSeed, type PrngState } from '../../../src/shared/prng.ts'
import { initialProbeOrder, nextProbeTarget, pickRandom, type ProbeOrder } from '../../../src/protocols/membership/probe.ts'

const peersOf = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(2, '0')}`)

const picks = (peers: readonly string[], count: number, seed: number, eligible: (m: string) => boolean = () => true) => {
  let state: ProbeOrder = initialProbeOrder
  let prng: PrngState = prngFromSeed(seed)
  const out: (string | undefined)[] = []
  for (let i = 0; i < count; i++) {
    const next = nextProbeTarget(state, peers, eligible, prng)
    out.push(next.target)
    state = next.state
    prng = next.prng
  }
  return out
}

describe('round-robin probe order', () => {
  test.prop([fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 4 }), fc.integer()])('visits every peer exactly once per pass', (n, passes, seed) => {
    const peers = peersOf(n)
    const order = picks(peers, n * passes, seed)
    for (let pass = 0; pass < passes; pass++) expect(order.slice(pass * n, (pass + 1) * n).sort()).toEqual(peers)
  })

  test.prop([fc.integer({ min: 2, max: 30 }), fc.integer()])('never leaves one of p peers unprobed for more than 2p − 1 picks (first of a pass, last of the next)', (n, seed) => {
    const peers = peersOf(n)
    const order = picks(peers, n * 6, seed)
    const last = new Map<string, number>()
    order.forEach((peer, at) => {
      const previous = last.get(peer!)
      if (previous !== undefined) expect(at - previous).toBeLessThanOrEqual(2 * n - 1)
      last.set(peer!, at)
    })
  })

  test('reshuffles between passes', () => {
    const peers = peersOf(20)
    const order = picks(peers, 60, 7)
    const passes = [order.slice(0, 20), order.slice(20, 40), order.slice(40, 60)]
    expect(new Set(passes.map((p) => p.join())).size).toBe(3)
  })

  test.prop([fc.integer({ min: 1, max: 20 }), fc.integer()])('skips ineligible peers and still covers the eligible ones each pass', (n, seed) => {
    const peers = peersOf(n)
    const eligible = (m: string) => Number(m.slice(1)) % 3 !== 0
    const expected = peers.filter(eligible)
    const order = picks(peers, expected.length * 3, seed, eligible)
    for (let pass = 0; pass < 3; pass++) {
      // A pass of the eligible ones can straddle a reshuffle, but nothing ineligible is ever picked.
      for (const target of order.slice(pass * expected.length, (pass + 1) * expected.length)) expect(expected).toContain(target)
    }
    if (expected.length > 0) expect(new Set(order)).toEqual(new Set(expected))
  })

  test('finds nobody when nobody is eligible', () => {
    expect(picks(peersOf(5), 2, 1, () => false)).toEqual([undefined, undefined])
    expect(picks([], 1, 1)).toEqual([undefined])
  })

  test.prop([fc.integer({ min: 1, max: 30 }), fc.integer()])('is a function of the seed', (n, seed) => {
    expect(picks(peersOf(n), 2 * n, seed)).toEqual(picks(peersOf(n), 2 * n, seed))
  })
})

describe('random helpers', () => {
  test.prop([fc.uniqueArray(fc.string(), { maxLength: 20 }), fc.nat(25), fc.integer()])('picks min(k, candidates) distinct candidates', (candidates, k, seed) => {
    const { picked } = pickRandom(candidates, k, prngFromSeed(seed))
    expect(picked.length).toBe(Math.min(k, candidates.length))
    expect(new Set(picked).size).toBe(picked.length)
    for (const p of picked) expect(candidates).toContain(p)
  })

  test('draws every candidate eventually', () => {
    const candidates = peersOf(10)
    let prng = prngFromSeed(3)
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const drawn = pickRandom(candidates, 1, prng)
      prng = drawn.prng
      seen.add(drawn.picked[0]!)
    }
    expect(seen.size).toBe(10)
  })
})
