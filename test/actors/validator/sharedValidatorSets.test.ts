import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { genesisValidatorSet, nextValidatorSet } from '../../../src/actors/validator/sharedValidatorSets.ts'
import { newValidatorSet, nextHeightValidatorSet, type ValidatorSet, type ValidatorUpdate } from '../../../src/protocols/tendermint/index.ts'
import { PROPERTY_SEED } from '../../support/propertySample.ts'

/**
 * Validator sets are shared by the validators of a process: the shared set must be the
 * one the direct derivation gives, for the exact validators and updates asked about.
 */

const address = (i: number): string => (i + 1).toString(16).padStart(40, '0')
const update = (i: number, power: bigint): ValidatorUpdate => ({ address: address(i), power })
const genesis = (powers: readonly bigint[]): ValidatorUpdate[] => powers.map((p, i) => update(i, p))

/** The outcome of a call: its value, or the error it threw. */
const outcome = <T>(f: () => T): { value: T } | { error: string } => {
  try {
    return { value: f() }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

describe('genesisValidatorSet', () => {
  test('is newValidatorSet, and the same object for equal validators asked again', () => {
    const validators = genesis([10n, 20n, 30n])
    const set = genesisValidatorSet(validators)
    expect(set).toEqual(newValidatorSet(validators))
    expect(genesisValidatorSet(genesis([10n, 20n, 30n]))).toBe(set)
  })

  test('validators that differ in any power, address, number or order get their own set', () => {
    const base = genesisValidatorSet(genesis([10n, 20n, 30n]))
    const variants: ValidatorUpdate[][] = [
      genesis([10n, 20n, 31n]),
      genesis([11n, 20n, 30n]),
      genesis([10n, 20n]),
      genesis([10n, 20n, 30n, 40n]),
      [update(0, 10n), update(1, 20n), update(7, 30n)],
      // Another order of the same validators: the same set, derived afresh or not.
      [update(2, 30n), update(0, 10n), update(1, 20n)],
    ]
    for (const validators of variants) {
      const set = genesisValidatorSet(validators)
      expect(set).toEqual(newValidatorSet(validators))
    }
    expect(genesisValidatorSet(genesis([10n, 20n, 31n]))).not.toEqual(base)
  })

  test('refuses invalid validators as newValidatorSet does, every time, without remembering anything for them', () => {
    for (const validators of [genesis([10n, 0n]), [update(0, 1n), update(0, 2n)], [{ address: '', power: 1n }], genesis([-1n])]) {
      const expected = outcome(() => newValidatorSet(validators))
      expect(expected).toHaveProperty('error')
      expect(outcome(() => genesisValidatorSet(validators))).toEqual(expected)
      expect(outcome(() => genesisValidatorSet(validators))).toEqual(expected)
    }
  })

  test('keeps a bounded number of genesis sets and answers correctly after forgetting one', () => {
    const first = genesisValidatorSet(genesis([1n, 2n, 3n]))
    for (let i = 0; i < 20; i++) expect(genesisValidatorSet(genesis([BigInt(100 + i)]))).toEqual(newValidatorSet(genesis([BigInt(100 + i)])))
    const again = genesisValidatorSet(genesis([1n, 2n, 3n]))
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  // Once a bug: the key joined `address=power` with commas, so these two lists shared it.
  test('validator lists whose joined addresses and powers read alike get their own sets', () => {
    const one = [{ address: 'a=1,b', power: 2n }]
    const two = [
      { address: 'a', power: 1n },
      { address: 'b', power: 2n },
    ]
    expect(genesisValidatorSet(one)).toEqual(newValidatorSet(one))
    expect(genesisValidatorSet(two)).toEqual(newValidatorSet(two))
  })
})

describe('nextValidatorSet', () => {
  const start = newValidatorSet(genesis([10n, 20n, 30n]))

  test('is nextHeightValidatorSet, and the same object for the same set and equal updates', () => {
    const next = nextValidatorSet(start, [update(0, 15n)])
    expect(next).toEqual(nextHeightValidatorSet(start, [update(0, 15n)]))
    expect(nextValidatorSet(start, [update(0, 15n)])).toBe(next)
    // No updates: the priority increment alone.
    expect(nextValidatorSet(start, [])).toEqual(nextHeightValidatorSet(start, []))
  })

  test('updates that differ in any address, power or number give their own set', () => {
    const base = [update(0, 15n), update(3, 5n)]
    const variants: ValidatorUpdate[][] = [
      [update(0, 16n), update(3, 5n)],
      [update(1, 15n), update(3, 5n)],
      [update(0, 15n), update(4, 5n)],
      [update(0, 15n), update(3, 6n)],
      [update(0, 15n)],
      [update(0, 15n), update(3, 5n), update(2, 0n)],
      [update(3, 5n), update(0, 15n)],
      [],
    ]
    for (const updates of variants) {
      // The base answer is the remembered successor of `start` when the variant comes.
      expect(nextValidatorSet(start, base)).toEqual(nextHeightValidatorSet(start, base))
      expect(nextValidatorSet(start, updates)).toEqual(nextHeightValidatorSet(start, updates))
    }
    expect(nextHeightValidatorSet(start, [update(1, 15n), update(3, 5n)])).not.toEqual(nextHeightValidatorSet(start, base))
  })

  test('another set with the same updates gets its own successor, even when equal to the first set', () => {
    const other = newValidatorSet(genesis([10n, 20n, 35n]))
    const copy: ValidatorSet = { ...start, validators: start.validators.map((v) => ({ ...v })) }
    const updates = [update(1, 25n)]
    const fromStart = nextValidatorSet(start, updates)
    expect(nextValidatorSet(other, updates)).toEqual(nextHeightValidatorSet(other, updates))
    expect(nextValidatorSet(other, updates)).not.toEqual(fromStart)
    expect(nextValidatorSet(copy, updates)).toEqual(fromStart)
  })

  test('refuses invalid updates as nextHeightValidatorSet does, and keeps answering valid ones correctly', () => {
    const valid = [update(0, 12n)]
    const remembered = nextValidatorSet(start, valid)
    for (const updates of [[update(9, 0n)], [update(0, 0n), update(1, 0n), update(2, 0n)], [update(0, -1n)], [update(0, 1n), update(0, 2n)]]) {
      const expected = outcome(() => nextHeightValidatorSet(start, updates))
      expect(expected).toHaveProperty('error')
      expect(outcome(() => nextValidatorSet(start, updates))).toEqual(expected)
    }
    expect(nextValidatorSet(start, valid)).toEqual(remembered)
  })

  const power = fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 5, arbitrary: fc.constantFrom(5n, 10n, 40n) })
  const updatesArb = fc
    .uniqueArray(fc.record({ validator: fc.nat(4), power }), { maxLength: 3, selector: (u) => u.validator })
    .map((us) => us.map(({ validator, power }) => update(validator, power)))

  propertyTest.prop([fc.array(fc.tuple(fc.nat(3), updatesArb), { minLength: 1, maxLength: 12 })], { seed: PROPERTY_SEED, numRuns: 200 })(
    'along any path of heights, validators that share sets get exactly the direct sets',
    (steps) => {
      // Several validators walk the same heights, some with other updates: each keeps its
      // own chain of sets, shared and direct side by side.
      let shared: ValidatorSet[] = [0, 1, 2, 3].map(() => genesisValidatorSet(genesis([10n, 20n, 30n])))
      let plain: ValidatorSet[] = [0, 1, 2, 3].map(() => newValidatorSet(genesis([10n, 20n, 30n])))
      for (const [deviant, updates] of steps) {
        const updatesFor = (i: number): ValidatorUpdate[] => (i === deviant ? updates.slice(0, 1) : updates)
        const nextShared = shared.map((set, i) => outcome(() => nextValidatorSet(set, updatesFor(i))))
        const nextPlain = plain.map((set, i) => outcome(() => nextHeightValidatorSet(set, updatesFor(i))))
        expect(nextShared).toEqual(nextPlain)
        if (nextShared.some((o) => 'error' in o)) return
        shared = nextShared.map((o) => (o as { value: ValidatorSet }).value)
        plain = nextPlain.map((o) => (o as { value: ValidatorSet }).value)
      }
    },
  )
})
