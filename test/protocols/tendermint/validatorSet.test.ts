import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { newValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import { MAX_INT64 } from '../../../src/protocols/tendermint/int64.ts'
import { incrementProposerPriority } from '../../../src/protocols/tendermint/proposerSelection.ts'
import {
  EMPTY_VALIDATOR_SET,
  MAX_TOTAL_VOTING_POWER,
  updateWithChangeSet,
  validatorIndex,
  validatorSetOf,
  ValidatorSetError,
} from '../../../src/protocols/tendermint/validatorSet.ts'
import { checkCentredAndScaled, hex, namesAndPowers, updates, validator } from './fixtures.ts'

/** Go's `testValSet(n, power)`: v1..vn. */
const testValSet = <P extends number | bigint>(n: number, power: P): Array<readonly [string, P]> =>
  Array.from({ length: n }, (_, i) => [`v${i + 1}`, power] as const)

const create = (list: ReadonlyArray<readonly [string, number | bigint]>) => newValidatorSet(updates(list))

describe('CometBFT types/validator_set_test.go: creation and updates', () => {
  test('TestUpdatesForNewValidatorSet', () => {
    expect(checkCentredAndScaled(create([['v1', 100], ['v2', 100]]))).toEqual([])
    expect(() => create([['v1', 100], ['v1', 123], ['v1', 234]])).toThrow(ValidatorSetError)
    expect(() => create([['v1', 0], ['v2', 22], ['v3', 33]])).toThrow(ValidatorSetError)
    expect(() => create([['v1', 10], ['v2', -20], ['v3', 30]])).toThrow(ValidatorSetError)
  })

  test('TestEmptySet: add to an empty set, refuse to delete everything', () => {
    const set = updateWithChangeSet(EMPTY_VALIDATOR_SET, updates([['v1', 100], ['v2', 100]]))
    expect(checkCentredAndScaled(set)).toEqual([])
    expect(() => updateWithChangeSet(set, updates([['v1', 0], ['v2', 0]]))).toThrow(/empty set/)
    expect(() => updateWithChangeSet(EMPTY_VALIDATOR_SET, updates([['v1', 0], ['v2', 0]]))).toThrow(ValidatorSetError)
    expect(() => incrementProposerPriority(EMPTY_VALIDATOR_SET, 1)).toThrow(ValidatorSetError)
  })

  test('TestValSetUpdatesBasicTestsExecute', () => {
    const cases: Array<[Array<readonly [string, number]>, Array<readonly [string, number]>, Array<readonly [string, number]>]> = [
      [testValSet(2, 10), [], testValSet(2, 10)],
      [testValSet(2, 10), [['v2', 22], ['v1', 11]], [['v2', 22], ['v1', 11]]],
      [[['v2', 20], ['v1', 10]], [['v4', 40], ['v3', 30]], [['v4', 40], ['v3', 30], ['v2', 20], ['v1', 10]]],
      [[['v3', 20], ['v1', 10]], [['v2', 30]], [['v2', 30], ['v3', 20], ['v1', 10]]],
      [[['v3', 20], ['v2', 10]], [['v1', 30]], [['v1', 30], ['v3', 20], ['v2', 10]]],
      [[['v3', 30], ['v2', 20], ['v1', 10]], [['v2', 0]], [['v3', 30], ['v1', 10]]],
    ]
    for (const [start, change, expected] of cases) {
      const set = updateWithChangeSet(create(start), updates(change))
      expect(namesAndPowers(set)).toEqual(expected.map(([n, p]) => [n, BigInt(p)]))
      expect(checkCentredAndScaled(set)).toEqual([])
    }
  })

  test('TestValSetUpdatesDuplicateEntries', () => {
    const cases: Array<[number, Array<readonly [string, number]>]> = [
      [2, [['v1', 11], ['v1', 22]]],
      [2, [['v2', 11], ['v2', 22]]],
      [2, [['v1', 11], ['v2', 22], ['v1', 12]]],
      [3, [['v1', 11], ['v3', 22], ['v1', 12]]],
      [2, [['v1', 0], ['v1', 0]]],
      [2, [['v2', 0], ['v2', 0]]],
      [2, [['v1', 0], ['v2', 0], ['v1', 0]]],
      [3, [['v1', 0], ['v3', 0], ['v1', 0]]],
      [2, [['v1', 0], ['v2', 20], ['v1', 30]]],
      [2, [['v1', 0], ['v2', 20], ['v2', 30], ['v1', 0]]],
      [3, [['v1', 0], ['v3', 5], ['v2', 20], ['v2', 30], ['v1', 0]]],
    ]
    for (const [n, change] of cases) {
      expect(() => updateWithChangeSet(create(testValSet(n, 10)), updates(change))).toThrow(/duplicate/)
    }
  })

  test('TestValSetUpdatesOverflows', () => {
    const max = MAX_TOTAL_VOTING_POWER
    const cases: Array<[Array<readonly [string, bigint]>, Array<readonly [string, bigint]>]> = [
      [testValSet(2, 10n), [['v1', MAX_INT64]]],
      [testValSet(2, 10n), [['v2', MAX_INT64]]],
      [testValSet(1, max), [['v2', MAX_INT64]]],
      [testValSet(1, max - 1n), [['v2', 5n]]],
      [testValSet(2, max / 3n), [['v3', max / 2n]]],
      [testValSet(1, max), [['v2', max]]],
    ]
    for (const [start, change] of cases) {
      expect(() => updateWithChangeSet(create(start), updates(change))).toThrow(ValidatorSetError)
    }
  })

  test('TestValSetUpdatesOtherErrors', () => {
    expect(() => updateWithChangeSet(create(testValSet(2, 10)), updates([['v1', -123]]))).toThrow(/negative/)
    expect(() => updateWithChangeSet(create(testValSet(2, 10)), updates([['v2', -123]]))).toThrow(/negative/)
    expect(() => updateWithChangeSet(create(testValSet(2, 10)), updates([['v3', 0]]))).toThrow(/to remove/)
    expect(() => updateWithChangeSet(create([['v1', 10], ['v2', 20], ['v3', 30]]), updates([['v1', 0], ['v2', 0], ['v3', 0]]))).toThrow(/empty set/)
  })

  describe('TestValSetUpdatesOrderIndependenceTestsExecute', () => {
    const cases: Array<[Array<readonly [string, number]>, Array<readonly [string, number]>]> = [
      [[['v4', 40], ['v3', 30], ['v2', 10], ['v1', 10]], [['v4', 44], ['v3', 33], ['v2', 22], ['v1', 11]]],
      [[['v2', 20], ['v1', 10]], [['v3', 30], ['v4', 40], ['v5', 50], ['v6', 60]]],
      [[['v4', 40], ['v3', 30], ['v2', 20], ['v1', 10]], [['v1', 0], ['v3', 0], ['v4', 0]]],
      [[['v4', 40], ['v3', 30], ['v2', 20], ['v1', 10]], [['v1', 0], ['v3', 0], ['v2', 22], ['v5', 50], ['v4', 44]]],
    ]
    cases.forEach(([start, change], i) => {
      propertyTest.prop([fc.shuffledSubarray(change, { minLength: change.length, maxLength: change.length })], { numRuns: 20 })(
        `case ${i}: any order of the same changes gives the same set`,
        (permuted) => {
          const set = create(start)
          const expected = updateWithChangeSet(set, updates(change))
          const got = updateWithChangeSet(set, updates(permuted))
          expect(got).toEqual(expected)
          expect(checkCentredAndScaled(got)).toEqual([])
        },
      )
    })
  })

  describe('TestValSetUpdatePriorityOrderTests (fixed cases)', () => {
    const cases: Array<{ start: Array<readonly [string, number]>; change: Array<readonly [string, number]>; expected: Array<readonly [string, number]>; added: string[] }> = [
      { start: [['v3', 1000], ['v1', 1], ['v2', 1]], change: [['v3', 0]], expected: [['v1', 1], ['v2', 1]], added: [] },
      { start: [['v3', 1000], ['v2', 10], ['v1', 1]], change: [['v3', 0]], expected: [['v2', 10], ['v1', 1]], added: [] },
      {
        start: [['v3', 1000], ['v2', 2], ['v1', 1]],
        change: [['v5', 50], ['v4', 40], ['v2', 1], ['v3', 0]],
        expected: [['v5', 50], ['v4', 40], ['v1', 1], ['v2', 1]],
        added: ['v4', 'v5'],
      },
    ]
    cases.forEach(({ start, change, expected, added }, i) => {
      propertyTest.prop([fc.integer({ min: 1, max: 5000 })], { numRuns: 20 })(
        `case ${i}: after any number of elections, added validators come in with the lowest, equal priority`,
        (elections) => {
          const set = updateWithChangeSet(incrementProposerPriority(create(start), elections), updates(change))
          expect(namesAndPowers(set)).toEqual(expected.map(([n, p]) => [n, BigInt(p)]))
          expect(checkCentredAndScaled(set)).toEqual([])
          const byPriority = [...set.validators].sort((a, b) => (a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : 0))
          const lowest = byPriority.slice(0, added.length)
          expect(lowest.map((v) => v.address).sort()).toEqual(added.map(hex).sort())
          expect(new Set(lowest.map((v) => v.priority)).size).toBeLessThanOrEqual(1)
        },
      )
    })
  })

  test('TestValSetUpdateOverflowRelated', () => {
    const max = MAX_TOTAL_VOTING_POWER
    const ok: Array<[Array<readonly [string, bigint]>, Array<readonly [string, bigint]>, Array<readonly [string, bigint]>]> = [
      [[['v2', max - 1n], ['v1', 1n]], [['v1', max - 1n], ['v2', 1n]], [['v1', max - 1n], ['v2', 1n]]],
      [[['v2', max - 1n], ['v1', 1n]], [['v1', max / 2n - 1n], ['v2', max / 2n]], [['v2', max / 2n], ['v1', max / 2n - 1n]]],
      [[['v1', max - 2n], ['v2', 1n], ['v3', 1n]], [['v4', max - 2n], ['v1', 0n]], [['v4', max - 2n], ['v2', 1n], ['v3', 1n]]],
      [
        [['v1', max / 4n], ['v2', max / 4n], ['v3', max / 4n], ['v4', max / 4n]],
        [['v5', 3n], ['v1', max / 2n - 2n], ['v3', max / 2n - 3n], ['v4', 2n], ['v2', 0n]],
        [['v1', max / 2n - 2n], ['v3', max / 2n - 3n], ['v5', 3n], ['v4', 2n]],
      ],
    ]
    for (const [start, change, expected] of ok) {
      const set = updateWithChangeSet(create(start), updates(change))
      expect(namesAndPowers(set)).toEqual(expected)
      expect(checkCentredAndScaled(set)).toEqual([])
    }
    const nine = testValSet(9, 1n)
    const tooMuch = [...testValSet(8, max), ['v9', 8n] as const]
    expect(() => updateWithChangeSet(create(nine), updates(tooMuch))).toThrow(/exceeds max/)
  })

  test('TestValidatorSetBasic: an update keeps the priority of a known validator', () => {
    // after an increment the priorities sum to 0 or 1, and more power only widens the
    // window, so the shared rescale-and-centre leaves them alone: the priority is kept
    const set = incrementProposerPriority(create([['v1', 10], ['v2', 20]]), 3)
    const before = set.validators[validatorIndex(set, hex('v1'))]!
    const updated = updateWithChangeSet(set, updates([['v1', 110]]))
    const after = updated.validators[validatorIndex(updated, hex('v1'))]!
    expect([after.power, after.priority]).toEqual([110n, before.priority])
  })
})

describe('sets from known priorities', () => {
  test('validators are ordered by power, then address; the index is the position', () => {
    const set = validatorSetOf([validator('02', 5n), validator('01', 5n), validator('03', 9n)])
    expect(set.validators.map((v) => v.address)).toEqual(['03', '01', '02'])
    expect(validatorIndex(set, '02')).toBe(2)
    expect(validatorIndex(set, '04')).toBe(-1)
    expect(set.totalPower).toBe(19n)
  })

  test('bad input is refused with a typed error', () => {
    expect(() => validatorSetOf([validator('01', 1n), validator('01', 2n)])).toThrow(ValidatorSetError)
    expect(() => validatorSetOf([validator('01', -1n)])).toThrow(ValidatorSetError)
    expect(() => validatorSetOf([validator('01', 1n)], '02')).toThrow(ValidatorSetError)
    expect(() => validatorSetOf([validator('01', MAX_TOTAL_VOTING_POWER), validator('02', 1n)])).toThrow(/exceeds maximum/)
  })
})
