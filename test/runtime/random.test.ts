import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deriveKeySeed, deriveSeed, SeededRandom } from '../../src/runtime/random.ts'

const draws = (random: SeededRandom, count: number): number[] => Array.from({ length: count }, () => random.int(1 << 30))

describe('deriveSeed / deriveKeySeed', () => {
  it('are pinned: changing the derivation would change every recorded trace and simulated key', () => {
    expect(deriveSeed(42, 'actor:v1')).toBe(645098343)
    expect(Buffer.from(deriveKeySeed(42, 'validator:v1')).toString('hex')).toBe('3c72400c79eae2cd63495c458d21884f0783477997424524535eddecec21cb0a')
    expect(new SeededRandom(645098343).fork('links').seed).toBe(deriveSeed(645098343, 'links'))
  })

  it('give 32-bit seeds and 32-byte key seeds that depend on both the run seed and the label', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.string(), fc.string(), (runSeed, a, b) => {
        const seed = deriveSeed(runSeed, a)
        expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true)
        expect(deriveKeySeed(runSeed, a)).toHaveLength(32)
        if (a !== b) {
          expect(deriveSeed(runSeed, a)).not.toBe(deriveSeed(runSeed, b))
          expect(deriveKeySeed(runSeed, a)).not.toEqual(deriveKeySeed(runSeed, b))
        }
        const neighbour = runSeed === Number.MAX_SAFE_INTEGER ? runSeed - 1 : runSeed + 1
        expect(deriveSeed(runSeed, a)).not.toBe(deriveSeed(neighbour, a))
      }),
    )
  })

  it('keep key seeds apart from stream seeds for the same label', () => {
    const keySeedHead = Buffer.from(deriveKeySeed(7, 'actor:a')).readUInt32BE(0)
    expect(keySeedHead).not.toBe(deriveSeed(7, 'actor:a'))
  })

  it('reject a run seed that is not a safe integer', () => {
    expect(() => deriveSeed(1.5, 'x')).toThrow(RangeError)
    expect(() => deriveKeySeed(Number.NaN, 'x')).toThrow(RangeError)
  })
})

describe('SeededRandom', () => {
  it('gives the same stream for the same run seed and label', () => {
    const a = new SeededRandom(deriveSeed(9, 'actor:n1'))
    const b = new SeededRandom(deriveSeed(9, 'actor:n1'))
    expect(draws(a, 100)).toEqual(draws(b, 100))
    expect(a.bytes(37)).toEqual(b.bytes(37))
    expect(a.next()).toBe(b.next())
  })

  it('gives different streams for different labels', () => {
    const a = new SeededRandom(deriveSeed(9, 'actor:n1'))
    const b = new SeededRandom(deriveSeed(9, 'actor:n2'))
    const network = new SeededRandom(deriveSeed(9, 'network'))
    const streamA = draws(a, 20)
    expect(streamA).not.toEqual(draws(b, 20))
    expect(streamA).not.toEqual(draws(network, 20))
  })

  it('forks children that ignore how much the parent drew, and differ by label', () => {
    const fresh = new SeededRandom(5)
    const used = new SeededRandom(5)
    draws(used, 50)
    expect(draws(fresh.fork('links'), 20)).toEqual(draws(used.fork('links'), 20))
    expect(draws(fresh.fork('links'), 20)).not.toEqual(draws(fresh.fork('faults'), 20))
    expect(draws(fresh.fork('links'), 20)).not.toEqual(draws(new SeededRandom(5), 20))
  })

  it('draws next() in [0, 1) and int(n) in [0, n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const random = new SeededRandom(seed)
        for (let i = 0; i < 20; i++) {
          const x = random.next()
          expect(x >= 0 && x < 1).toBe(true)
          const k = random.int(n)
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true)
        }
      }),
    )
  })

  it('rejects int(n) outside 1 ≤ n ≤ 2^32 and negative byte counts', () => {
    const random = new SeededRandom(1)
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => random.int(n)).toThrow(RangeError)
    expect(() => random.bytes(-1)).toThrow(RangeError)
  })

  it('spreads int(n) uniformly (chi-square over 100k draws, fixed seed)', () => {
    const random = new SeededRandom(deriveSeed(1, 'chi-square'))
    const buckets = 10
    const n = 100_000
    const counts = new Array<number>(buckets).fill(0)
    for (let i = 0; i < n; i++) {
      const k = random.int(buckets)
      counts[k] = counts[k]! + 1
    }
    const expected = n / buckets
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
    // 9 degrees of freedom: 27.88 is the p = 0.001 critical value.
    expect(chiSquare).toBeLessThan(27.88)
  })

  it('fills bytes(n) for any length, each byte varying', () => {
    const random = new SeededRandom(3)
    for (let n = 0; n <= 9; n++) expect(random.bytes(n)).toHaveLength(n)
    const seen = new Set(random.bytes(4096))
    expect(seen.size).toBeGreaterThan(250)
  })

  it('shuffles a copy into a permutation of the input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(fc.integer()), (seed, items) => {
        const before = items.slice()
        const shuffled = new SeededRandom(seed).shuffle(items)
        expect(items).toEqual(before)
        expect(shuffled.slice().sort((x, y) => x - y)).toEqual(before.slice().sort((x, y) => x - y))
      }),
    )
  })

  it('reaches every ordering of a small array', () => {
    const random = new SeededRandom(11)
    const orders = new Set<string>()
    for (let i = 0; i < 600; i++) orders.add(random.shuffle([1, 2, 3, 4]).join(''))
    expect(orders.size).toBe(24)
  })
})
