import { describe, expect, test } from 'vitest'
import { fc, test as propertyTest } from '@fast-check/vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { powersOf, selectActiveSet, validatorUpdatesBetween } from '../../../src/protocols/staking/index.ts'
import { ChainDriver, genesisOf, key } from './fixtures.ts'

const REDUCTION = 1_000_000n

describe('active set', () => {
  test('top maxValidators by power; equal powers in public-key order; zero power and jailed are out', () => {
    // powers 5, 7, 7, 3, 7, 0 for keys 1..6; two seats among the three 7s go to keys 2 and 3
    const state = new ChainDriver(genesisOf([5, 7, 7, 3, 7, 0], { params: { maxValidators: 3 } })).state
    expect([...selectActiveSet(state)]).toEqual([
      [key(2), 7n],
      [key(3), 7n],
      [key(5), 7n],
    ])
    const jailed = { ...state, validators: new Map(state.validators).set(key(2), { ...state.validators.get(key(2))!, jailedUntil: 0 }) }
    expect([...selectActiveSet(jailed)]).toEqual([
      [key(3), 7n],
      [key(5), 7n],
      [key(1), 5n],
    ])
  })

  test('updates: changed and new powers, 0 for the departed, in key order', () => {
    const before = new Map([[key(1), 5n], [key(2), 7n], [key(3), 1n]])
    const after = new Map([[key(4), 2n], [key(2), 8n], [key(3), 1n]])
    expect(validatorUpdatesBetween(before, after)).toEqual([
      { pubKey: key(1), power: 0n },
      { pubKey: key(2), power: 8n },
      { pubKey: key(4), power: 2n },
    ])
  })

  test('the first block sends what genesis extra stake changed, then nothing while nothing changes', () => {
    const chain = new ChainDriver(genesisOf([1, 1], { stakes: [{ validator: key(2), delegator: 'bob', amount: '2000000' }] }))
    expect(chain.block().validatorUpdates).toEqual([{ pubKey: key(2), power: 3n }])
    expect(chain.eventsNamed('staking.power')).toEqual([{ pubKey: key(2), power: 3n }])
    expect(chain.block().validatorUpdates).toEqual([])
  })

  const change = fc.record({
    validator: fc.integer({ min: 1, max: 6 }),
    delegator: fc.constantFrom('alice', 'bob'),
    amount: fc.bigInt(1n, 5n * REDUCTION),
    undelegate: fc.boolean(),
  })

  propertyTest.prop([fc.array(fc.array(change, { maxLength: 4 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 6 })])(
    'consensus applying every block’s updates always holds exactly the active set, and no update is a no-op',
    (blocks, maxValidators) => {
      const chain = new ChainDriver(genesisOf([3, 1, 4, 1, 5, 0], { params: { maxValidators } }))
      const consensus = new Map(chain.state.lastValidatorSet)
      for (const changes of blocks) {
        const txs: Tx[] = changes.map(({ validator, delegator, amount, undelegate }) => ({
          type: undelegate ? 'staking.undelegate' : 'staking.delegate',
          validator: key(validator),
          delegator,
          amount,
        }))
        const { validatorUpdates, state } = chain.block(txs)
        for (const { pubKey, power } of validatorUpdates) {
          expect(power).not.toBe(consensus.get(pubKey) ?? 0n)
          if (power === 0n) consensus.delete(pubKey)
          else consensus.set(pubKey, power)
        }
        expect(validatorUpdates.map((u) => u.pubKey)).toEqual(validatorUpdates.map((u) => u.pubKey).sort())
        const active = selectActiveSet(state)
        expect(new Map([...consensus].sort())).toEqual(new Map([...active].sort()))
        expect(active.size).toBeLessThanOrEqual(maxValidators)
        const outside = [...powersOf(state)].filter(([pubKey, power]) => power > 0n && !active.has(pubKey))
        if (outside.length > 0) expect(active.size).toBe(maxValidators)
        const weakestActive = [...active.values()].reduce((a, b) => (a < b ? a : b), BigInt(Number.MAX_SAFE_INTEGER))
        for (const [, power] of outside) expect(power <= weakestActive).toBe(true)
      }
    },
  )
})
