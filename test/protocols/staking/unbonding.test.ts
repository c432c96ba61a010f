import { describe, expect, test } from 'vitest'
import { StakingTxCode } from '../../../src/protocols/staking/index.ts'
import { ChainDriver, genesisOf, key, SECOND } from './fixtures.ts'

const M = 1_000_000n

describe('unbonding', () => {
  const undelegate = (delegator: string, amount: bigint) => ({ type: 'staking.undelegate', validator: key(1), delegator, amount })

  test('stake stops counting in the block that undelegates; release comes exactly at completion time', () => {
    const chain = new ChainDriver(genesisOf([10, 10], { params: { unbondingTime: '30s' }, stakes: [{ validator: key(1), delegator: 'alice', amount: 5n * M }] }))
    chain.block()
    expect(chain.state.lastValidatorSet.get(key(1))).toBe(15n)
    const started = chain.block([undelegate('alice', 3n * M)])
    expect(started.txResults[0]!.code).toBe(StakingTxCode.ok)
    expect(started.validatorUpdates).toEqual([{ pubKey: key(1), power: 12n }])
    const completion = chain.time + 30 * SECOND
    expect(chain.state.unbonding).toEqual([{ validator: key(1), delegator: 'alice', amount: 3n * M, creationHeight: 2, completionTime: completion }])

    chain.block([], {}, completion - chain.time - 1)
    expect(chain.eventsNamed('staking.unbonded')).toEqual([])
    chain.block([], {}, 1)
    expect(chain.time).toBe(completion)
    expect(chain.eventsNamed('staking.unbonded')).toEqual([{ validator: key(1), delegator: 'alice', amount: 3n * M, height: 4 }])
    expect(chain.state.unbonding).toEqual([])
  })

  test('self-stake unbonds like a delegation whose delegator is the operator; all of it leaves the set', () => {
    const chain = new ChainDriver(genesisOf([10, 10]))
    chain.block()
    const result = chain.block([undelegate(key(1), 10n * M)])
    expect(result.validatorUpdates).toEqual([{ pubKey: key(1), power: 0n }])
    expect(chain.state.validators.get(key(1))!.selfStake).toBe(0n)
  })

  test('cannot undelegate more than is bonded, nor from an unknown validator', () => {
    const chain = new ChainDriver(genesisOf([10]))
    chain.block()
    const result = chain.block([undelegate('alice', 1n), { type: 'staking.undelegate', validator: key(7), delegator: 'x', amount: 1n }])
    expect(result.txResults.map((r) => r.code)).toEqual([StakingTxCode.rejected, StakingTxCode.rejected])
    expect(result.txResults[0]!.log).toMatch(/alice has 0 bonded/)
    expect(chain.state.unbonding).toEqual([])
  })

  test('several entries mature in completion order, each in its own block', () => {
    const chain = new ChainDriver(genesisOf([10], { params: { unbondingTime: '10s' } }))
    chain.block()
    chain.block([undelegate(key(1), 1n)])
    chain.block([undelegate(key(1), 2n)])
    const matured: unknown[] = []
    for (let i = 0; i < 12; i++) {
      chain.block()
      matured.push(...chain.eventsNamed('staking.unbonded').map((e) => (e as { amount: bigint }).amount))
      if (i === 8) expect(matured).toEqual([1n])
    }
    expect(matured).toEqual([1n, 2n])
  })
})
