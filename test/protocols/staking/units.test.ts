import { describe, expect, test } from 'vitest'
import { fc, test as propertyTest } from '@fast-check/vitest'
import { lstUnits, NATIVE_ASSET, PRICE_ONE, stakeUnits, votingPower } from '../../../src/protocols/staking/index.ts'
import { newValidatorRecord, type LstPosition } from '../../../src/protocols/staking/state.ts'

const positions = (entries: Record<string, bigint>): Map<string, LstPosition> => new Map(Object.entries(entries).map(([s, shares]) => [s, { shares }]))
const prices = (entries: Record<string, bigint>): Map<string, bigint> => new Map(Object.entries(entries))

describe('U = C + Σ shares · price_s / price_C · (1 − haircut)', () => {
  test('mesh-security reference: 100 PROV × 18 × (1 − 0.4) = 1080 units', () => {
    expect(lstUnits(positions({ PROV: 100n }), prices({ [NATIVE_ASSET]: PRICE_ONE, PROV: 18n * PRICE_ONE }), new Map([['PROV', 400_000n]]))).toBe(1080n)
  })

  test('native stake adds one for one; two strategies at $3000 and $2500 against $C at $0.5, no haircut', () => {
    const record = { ...newValidatorRecord(700n), delegations: new Map([['alice', 300n]]), lstShares: positions({ stETH: 2n, rETH: 4n }) }
    const feed = prices({ C: PRICE_ONE / 2n, stETH: 3000n * PRICE_ONE, rETH: 2500n * PRICE_ONE })
    // 1000 native + 2·3000/0.5 + 4·2500/0.5 = 1000 + 12000 + 20000
    expect(stakeUnits(record, feed, new Map())).toBe(33_000n)
  })

  test('rounds down once over all strategies, not per strategy', () => {
    // 1 share at 1/3 of $C in each strategy: per-strategy floors give 0 whatever the count; the exact sum reaches 1 at three.
    const third = { C: 3n, a: 1n, b: 1n, c: 1n }
    expect(lstUnits(positions({ a: 1n, b: 1n }), prices(third), new Map())).toBe(0n)
    expect(lstUnits(positions({ a: 1n, b: 1n, c: 1n }), prices(third), new Map())).toBe(1n)
    // 10 shares, price 1/3 of $C, 10% haircut: 10 · 1/3 · 0.9 = 3 exactly.
    expect(lstUnits(positions({ a: 10n }), prices(third), new Map([['a', 100_000n]]))).toBe(3n)
    // 11 shares: 3.3 → 3
    expect(lstUnits(positions({ a: 11n }), prices(third), new Map([['a', 100_000n]]))).toBe(3n)
  })

  test('an unpriced strategy counts 0, and all LST counts 0 while $C has no price', () => {
    expect(lstUnits(positions({ stETH: 5n, rETH: 5n }), prices({ C: 1n, stETH: 2n }), new Map())).toBe(10n)
    expect(lstUnits(positions({ stETH: 5n }), prices({ stETH: 2n }), new Map())).toBe(0n)
  })

  test('a full haircut removes the strategy', () => {
    expect(lstUnits(positions({ a: 1_000n }), prices({ C: 1n, a: 5n }), new Map([['a', 1_000_000n]]))).toBe(0n)
  })

  propertyTest.prop([fc.bigInt(0n, 10n ** 30n), fc.bigInt(1n, 10n ** 20n)])('power = floor(U / powerReduction)', (units, reduction) => {
    const power = votingPower(units, reduction)
    expect(power * reduction <= units).toBe(true)
    expect((power + 1n) * reduction > units).toBe(true)
  })

  test('power at the default reduction of 10⁶', () => {
    expect(votingPower(999_999n, 1_000_000n)).toBe(0n)
    expect(votingPower(1_000_000n, 1_000_000n)).toBe(1n)
    expect(votingPower(2_999_999n, 1_000_000n)).toBe(2n)
  })
})
