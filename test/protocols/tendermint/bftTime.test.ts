import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { medianTime, voteTimestamp, weightedMedian } from '../../../src/protocols/tendermint/bftTime.ts'

const s = 1_000_000

describe('weighted median (CometBFT TestWeightedMedian vectors)', () => {
  const t1 = 1_700_000_000 * s
  const [t2, t3, t4, t5] = [t1 + 5 * s, t1 + 10 * s, t1 + 15 * s, t1 + 60 * s]

  test('faulty 33 early, correct 40 and 27: t2', () => {
    expect(weightedMedian([{ time: t2, weight: 40n }, { time: t3, weight: 27n }, { time: t1, weight: 33n }], 100n)).toBe(t2)
  })

  test('correct 40 and 27, faulty 33 late: t2', () => {
    expect(weightedMedian([{ time: t3, weight: 33n }, { time: t1, weight: 40n }, { time: t2, weight: 27n }], 100n)).toBe(t2)
  })

  test('eight slots with gaps (absent votes), total 83: t3', () => {
    const times = [
      { time: t4, weight: 20n },
      { time: t2, weight: 10n },
      { time: t1, weight: 10n },
      { time: t3, weight: 23n },
      { time: t2, weight: 10n },
      { time: t5, weight: 10n },
    ]
    expect(weightedMedian(times, 83n)).toBe(t3)
  })
})

describe('median time of a commit', () => {
  const votes = fc.array(fc.record({ timestamp: fc.nat({ max: 10 ** 12 }), power: fc.bigInt({ min: 1n, max: 10n ** 6n }) }), { minLength: 1, maxLength: 40 })

  propertyTest.prop([votes])('is one of the vote times, with at most half the power strictly before and strictly after it', (commit) => {
    const m = medianTime(commit)!
    const total = commit.reduce((sum, v) => sum + v.power, 0n)
    expect(commit.some((v) => v.timestamp === m)).toBe(true)
    const before = commit.filter((v) => v.timestamp < m).reduce((sum, v) => sum + v.power, 0n)
    const after = commit.filter((v) => v.timestamp > m).reduce((sum, v) => sum + v.power, 0n)
    expect(2n * before <= total).toBe(true)
    expect(2n * after <= total + 1n).toBe(true)
  })

  propertyTest.prop([votes, votes])(
    'faulty votes with less than a third of the power cannot move it outside the correct votes',
    (correct, faultyRaw) => {
      const correctPower = correct.reduce((sum, v) => sum + v.power, 0n)
      // scale the faulty power below half the correct power: f < N/3
      const faultyTotal = faultyRaw.reduce((sum, v) => sum + v.power, 0n)
      const faulty = faultyRaw.map((v) => ({ ...v, power: (v.power * (correctPower - 1n)) / (2n * faultyTotal) })).filter((v) => v.power > 0n)
      const m = medianTime([...correct, ...faulty])!
      const times = correct.map((v) => v.timestamp)
      expect(m >= Math.min(...times) && m <= Math.max(...times)).toBe(true)
    },
  )

  propertyTest.prop([votes, fc.nat()])('does not depend on the order of the votes', (commit, seed) => {
    const shuffled = [...commit].sort((a, b) => ((a.timestamp * 7919 + seed) % 101) - ((b.timestamp * 7919 + seed) % 101))
    expect(medianTime(shuffled)).toBe(medianTime(commit))
  })

  test('an empty commit has no median', () => {
    expect(medianTime([])).toBeUndefined()
  })
})

describe('vote timestamps', () => {
  test('the clock, but at least 1 ms after the voted block', () => {
    expect(voteTimestamp(5 * s, 1 * s)).toBe(5 * s)
    expect(voteTimestamp(5 * s, 5 * s)).toBe(5 * s + 1_000)
    expect(voteTimestamp(5 * s, 9 * s)).toBe(9 * s + 1_000)
    expect(voteTimestamp(5 * s, undefined)).toBe(5 * s)
  })
})
