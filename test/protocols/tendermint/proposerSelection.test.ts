import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { newValidatorSet, nextHeightValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import {
  incrementProposerPriority,
  proposerOf,
  proposerSchedule,
  scheduleThrough,
} from '../../../src/protocols/tendermint/proposerSelection.ts'
import {
  averagePriority,
  rescalePriorities,
  validatorSetOf,
  type ValidatorSet,
} from '../../../src/protocols/tendermint/validatorSet.ts'
import { Prng } from '../../../src/shared/prng.ts'
import { MAX_INT64, MIN_INT64 } from '../../../src/protocols/tendermint/int64.ts'
import { hex, hexBytes, nameOf, priorityOf, updates, validator } from './fixtures.ts'

/** Runs `rounds` rounds the way CometBFT's tests do: read the proposer, then increment once. */
const proposerSequence = (set: ValidatorSet, rounds: number): string[] => {
  const out: string[] = []
  let s = set
  for (let i = 0; i < rounds; i++) {
    out.push(proposerOf(s))
    s = incrementProposerPriority(s, 1)
  }
  return out
}

describe('CometBFT types/validator_set_test.go vectors', () => {
  test('TestProposerSelection1: foo 1000, bar 300, baz 330 over 99 rounds', () => {
    const set = newValidatorSet(updates([['foo', 1000], ['bar', 300], ['baz', 330]]))
    const expected =
      'foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar' +
      ' foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar' +
      ' foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz' +
      ' foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo' +
      ' foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo'
    expect(proposerSequence(set, 99).map(nameOf).join(' ')).toBe(expected)
  })

  describe('TestProposerSelection2', () => {
    const addr = (last: number) => hexBytes([...new Array<number>(19).fill(0), last])
    const [a0, a1, a2] = [addr(0), addr(1), addr(2)]

    test('equal power goes in address order', () => {
      const set = newValidatorSet([a0, a1, a2].map((address) => ({ address, power: 100n })))
      const expected = Array.from({ length: 15 }, (_, i) => [a0, a1, a2][i % 3])
      expect(proposerSequence(set, 15)).toEqual(expected)
    })

    test('400 vs 100,100: the largest proposes first, but not twice in a row', () => {
      const set = newValidatorSet([{ address: a0, power: 100n }, { address: a1, power: 100n }, { address: a2, power: 400n }])
      expect(proposerSequence(set, 2)).toEqual([a2, a0])
    })

    test('401 vs 100,100: the largest proposes twice in a row', () => {
      const set = newValidatorSet([{ address: a0, power: 100n }, { address: a1, power: 100n }, { address: a2, power: 401n }])
      expect(proposerSequence(set, 3)).toEqual([a2, a2, a0])
    })

    test('powers 4, 5, 3 propose 40, 50, 30 times in 120 rounds', () => {
      const set = newValidatorSet([{ address: a0, power: 4n }, { address: a1, power: 5n }, { address: a2, power: 3n }])
      const counts = new Map<string, number>()
      for (const p of proposerSequence(set, 120)) counts.set(p, (counts.get(p) ?? 0) + 1)
      expect([counts.get(a0), counts.get(a1), counts.get(a2)]).toEqual([40, 50, 30])
    })
  })

  test('TestProposerSelection3: equal powers keep their order through increments of 1–4 rounds at once (fixed addresses, seeded times)', () => {
    const addresses = ['avalidator_address12', 'bvalidator_address12', 'cvalidator_address12', 'dvalidator_address12'].map(hex)
    let set = newValidatorSet(addresses.map((address) => ({ address, power: 1n })))
    const order = proposerSequence(set, 4)
    set = incrementProposerPriority(set, 4)
    const prng = Prng.fromSeed(3)
    let j = 0
    for (let i = 0; i < 10_000; i++) {
      expect(proposerOf(set)).toBe(order[j % 4])
      // Go's test serializes and reloads the set here; the proposer must survive that.
      expect(proposerOf(validatorSetOf(set.validators, set.proposer))).toBe(order[j % 4])
      const times = prng.int(prng.int(5) + 1) > 0 ? prng.int(4) + 1 : 1
      set = incrementProposerPriority(set, times)
      j += times
    }
  })

  test('TestAvgProposerPriority: the mean of a big sum, rounded toward −∞', () => {
    const of = (...ps: bigint[]) => averagePriority(ps.map((p, i) => validator(hex(`v${i}`), 0n, p)))
    expect(of(0n, 0n, 0n)).toBe(0n)
    expect(of(MAX_INT64, 0n, 0n)).toBe(MAX_INT64 / 3n)
    expect(of(MAX_INT64, 0n)).toBe(MAX_INT64 / 2n)
    expect(of(MAX_INT64, MAX_INT64)).toBe(MAX_INT64)
    expect(of(MIN_INT64, MIN_INT64)).toBe(MIN_INT64)
    expect(of(-1n, 0n)).toBe(-1n)
  })

  test('TestAveragingInIncrementProposerPriority: zero-power sets only shift by the average', () => {
    const cases: Array<[bigint[], number, bigint]> = [
      [[1n, 2n, 3n], 1, 2n],
      [[10n, -10n, 1n], 11, 0n],
      [[100n, -10n, 1n], 1, 91n / 3n],
    ]
    for (const [priorities, times, avg] of cases) {
      const set = validatorSetOf(priorities.map((p, i) => validator(hex('abc'[i]!), 0n, p)))
      const after = incrementProposerPriority(set, times)
      for (const v of set.validators) expect(priorityOf(after, v.address)).toBe(v.priority - avg)
    }
  })

  test('TestAveragingInIncrementProposerPriorityWithVotingPower: powers 10, 1, 1 over 1–11 increments', () => {
    const [vp0, vp1, vp2] = [10n, 1n, 1n]
    const total = vp0 + vp1 + vp2
    const avg = (vp0 + vp1 + vp2 - total) / 3n
    const [a0, a1, a2] = [hexBytes([0]), hexBytes([1]), hexBytes([2])]
    const set = validatorSetOf([validator(a0, vp0), validator(a1, vp1), validator(a2, vp2)])
    const cases: Array<[number, bigint[], string]> = [
      [1, [0n + vp0 - total - avg, 0n + vp1, 0n + vp2], a0],
      [2, [0n + vp0 - total + vp0 - total - avg, 0n + vp1 + vp1, 0n + vp2 + vp2], a0],
      [3, [3n * (vp0 - total) - avg, 3n * vp1, 3n * vp2], a0],
      [4, [4n * (vp0 - total), 4n * vp1, 4n * vp2], a0],
      [5, [4n * (vp0 - total) + vp0, 5n * vp1 - total, 5n * vp2], a1],
      [6, [6n * vp0 - 5n * total, 6n * vp1 - total, 6n * vp2], a0],
      [7, [7n * vp0 - 6n * total, 7n * vp1 - total, 7n * vp2], a0],
      [8, [8n * vp0 - 7n * total, 8n * vp1 - total, 8n * vp2], a0],
      [9, [9n * vp0 - 7n * total, 9n * vp1 - total, 9n * vp2 - total], a2],
      [10, [10n * vp0 - 8n * total, 10n * vp1 - total, 10n * vp2 - total], a0],
      [11, [11n * vp0 - 9n * total, 11n * vp1 - total, 11n * vp2 - total], a0],
    ]
    for (const [times, priorities, proposer] of cases) {
      const after = incrementProposerPriority(set, times)
      expect(after.proposer).toBe(proposer)
      expect(after.validators.map((v) => v.priority)).toEqual(priorities)
    }
  })

  test('TestIncrementProposerPriorityPositiveTimes', () => {
    const set = newValidatorSet(updates([['foo', 1000], ['bar', 300], ['baz', 330]]))
    expect(() => incrementProposerPriority(set, -1)).toThrow()
    expect(() => incrementProposerPriority(set, 0)).toThrow()
    expect(() => incrementProposerPriority(set, 1)).not.toThrow()
  })
})

describe('CometBFT state/state_test.go vectors (one increment per height)', () => {
  const [v1, v2] = [hex('val1'), hex('val2')]

  test('TestProposerPriorityDoesNotGetResetToZero', () => {
    const genesis = newValidatorSet([{ address: v1, power: 10n }])
    const h1 = nextHeightValidatorSet(genesis, [])
    expect(priorityOf(h1, v1)).toBe(0n)
    // val2 enters at −(110 + 110>>3) = −123; centring gives 62/−61; the increment 72/39; val1 proposes: −38.
    const h2 = nextHeightValidatorSet(h1, [{ address: v2, power: 100n }])
    expect([priorityOf(h2, v1), priorityOf(h2, v2)]).toEqual([-38n, 39n])
    // val2 drops to power 1: spread 77 > 22 rescales by 4 to −9/9; the increment gives 1/10; val2 proposes: −1.
    const h3 = nextHeightValidatorSet(h2, [{ address: v2, power: 1n }])
    expect([priorityOf(h3, v1), priorityOf(h3, v2)]).toEqual([1n, -1n])
    expect(h3.proposer).toBe(v2)
  })

  test('TestProposerPriorityProposerAlternates', () => {
    const genesis = newValidatorSet([{ address: v1, power: 10n }])
    const h1 = nextHeightValidatorSet(genesis, [])
    expect([priorityOf(h1, v1), h1.proposer]).toEqual([0n, v1])
    const h2 = nextHeightValidatorSet(h1, [{ address: v2, power: 10n }])
    expect([priorityOf(h2, v1), priorityOf(h2, v2), h2.proposer]).toEqual([1n, -1n, v1])
    const h3 = nextHeightValidatorSet(h2, [])
    expect([priorityOf(h3, v1), priorityOf(h3, v2), h3.proposer]).toEqual([-9n, 9n, v1])
    let previous = nextHeightValidatorSet(h3, [])
    for (let i = 0; i < 1000; i++) {
      const next = nextHeightValidatorSet(previous, [])
      expect(next.proposer).not.toBe(previous.proposer)
      if (i % 2 === 0) {
        expect([previous.proposer, priorityOf(next, v1), priorityOf(next, v2)]).toEqual([v2, -9n, 9n])
      } else {
        expect([previous.proposer, priorityOf(next, v1), priorityOf(next, v2)]).toEqual([v1, 1n, -1n])
      }
      previous = next
    }
  })
})

/**
 * Go's `testProposerFreq` (state/state_test.go): over `total power` rounds each validator
 * proposes its power's worth of times, give or take N − 1 (proven for N = 2 in
 * cwgoes/tm-proposer-idris, stated by CometBFT for any N).
 */
const frequencyErrors = (set: ValidatorSet): string[] => {
  const runs = Number(set.totalPower)
  const counts = new Map<string, number>()
  for (const p of proposerSequence(set, runs)) counts.set(p, (counts.get(p) ?? 0) + 1)
  const bound = set.validators.length - 1
  return set.validators
    .filter((v) => Math.abs(Number(v.power) - (counts.get(v.address) ?? 0)) > bound)
    .map((v) => `${v.address}: power ${v.power}, proposed ${counts.get(v.address) ?? 0} of ${runs}`)
}

/** Go's `genValSetWithPowers`: a new set, then rescaled to a window of one total power. */
const setWithPowers = (addresses: readonly string[], powers: readonly number[]): ValidatorSet => {
  const set = newValidatorSet(powers.map((p, i) => ({ address: addresses[i]!, power: BigInt(p) })))
  return { ...set, validators: rescalePriorities(set.validators, set.totalPower) }
}

const distinctAddresses = (n: number) =>
  fc.uniqueArray(fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b).toString('hex')), {
    minLength: n,
    maxLength: n,
  })

describe('proposer frequency (TestProposerFrequency)', () => {
  const explicit = [
    [1, 1], [1, 2], [1, 100], [5, 5], [5, 100], [50, 50], [50, 100], [1, 1000],
    [1, 1, 1], [1, 2, 3], [1, 1, 10], [1, 1, 100], [1, 10, 100], [1, 1, 1000], [1, 10, 1000], [1, 100, 1000],
    [1, 1, 1, 1], [1, 2, 3, 4], [1, 1, 1, 10], [1, 1, 1, 100], [1, 1, 1, 1000], [1, 1, 10, 100],
    [1, 1, 10, 1000], [1, 1, 100, 1000], [1, 10, 100, 1000],
  ]
  for (const powers of explicit) {
    propertyTest.prop([distinctAddresses(powers.length)], { numRuns: 5 })(`explicit case ${powers.join(',')}`, (addresses) => {
      expect(frequencyErrors(setWithPowers(addresses, powers))).toEqual([])
    })
  }

  propertyTest.prop(
    [fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(distinctAddresses(n), fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: n, maxLength: n })))],
    { numRuns: 40 },
  )('random sets with unequal powers propose in proportion to power, within N − 1', ([addresses, powers]) => {
    expect(frequencyErrors(setWithPowers(addresses, powers))).toEqual([])
  })
})

describe('proposer schedule of a height', () => {
  propertyTest.prop([
    fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(distinctAddresses(n), fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: n, maxLength: n }))),
    fc.integer({ min: 0, max: 200 }),
    fc.integer({ min: 0, max: 20 }),
  ])('round r is the proposer of the height set incremented r times', ([addresses, powers], heights, round) => {
    let set = newValidatorSet(powers.map((p, i) => ({ address: addresses[i]!, power: BigInt(p) })))
    if (heights > 0) set = incrementProposerPriority(set, heights)
    const schedule = scheduleThrough(proposerSchedule(set), round)
    const expected = round === 0 ? proposerOf(set) : incrementProposerPriority(set, round).proposer
    expect(schedule.proposers[round]).toBe(expected)
  })

  test('the schedule extends without recomputing what it has', () => {
    const set = newValidatorSet(updates([['foo', 1000], ['bar', 300], ['baz', 330]]))
    const s5 = scheduleThrough(proposerSchedule(set), 5)
    expect(scheduleThrough(s5, 3)).toBe(s5)
    const s9 = scheduleThrough(s5, 9)
    expect(s9.proposers.slice(0, 6)).toEqual(s5.proposers)
    expect(s9.proposers).toEqual([proposerOf(set), ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((r) => incrementProposerPriority(set, r).proposer)])
  })

  test('path dependence: stepping round by round (CometBFT enterNewRound) can name another proposer once a rescale kicks in; the schedule does not depend on the path', () => {
    const [a, b, c] = ['0000', '0001', '0010']
    const genesis = newValidatorSet([{ address: a, power: 93n }, { address: b, power: 25n }, { address: c, power: 94n }])
    const set = nextHeightValidatorSet(genesis, [{ address: a, power: 75n }, { address: b, power: 29n }, { address: c, power: 2n }])
    expect(scheduleThrough(proposerSchedule(set), 5).proposers).toEqual([a, a, b, a, a, a])
    expect(proposerSequence(set, 6)).toEqual([a, a, b, a, a, b])
  })
})
