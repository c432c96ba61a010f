import { describe, expect, test } from 'vitest'
import { fc, test as propertyTest } from '@fast-check/vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { stakingAppHash } from '../../../src/protocols/staking/index.ts'
import { ChainDriver, commitOf, duplicateVote, genesisOf, key, stakingApp } from './fixtures.ts'

const tx = fc.oneof(
  fc.record({ type: fc.constant('staking.delegate'), validator: fc.integer({ min: 1, max: 4 }).map(key), delegator: fc.constantFrom('a', 'b', 'c'), amount: fc.bigInt(1n, 10n ** 7n) }),
  fc.record({ type: fc.constant('staking.undelegate'), validator: fc.integer({ min: 1, max: 4 }).map(key), delegator: fc.constantFrom('a', 'b', 'c'), amount: fc.bigInt(1n, 10n ** 7n) }),
  fc.record({ type: fc.constant('staking.sync-lst'), operator: fc.integer({ min: 1, max: 4 }).map(key), strategy: fc.constantFrom('stETH', 'rETH'), shares: fc.bigInt(0n, 10n ** 7n) }),
  fc.record({ type: fc.constant('staking.set-price'), asset: fc.constantFrom('C', 'stETH', 'rETH'), price: fc.bigInt(1n, 10n ** 10n) }),
)

/** Runs blocks of transactions, with one missing signer and one piece of evidence along the way. */
const run = (blocks: readonly (readonly Tx[])[]): string[] => {
  const chain = new ChainDriver(genesisOf([5, 5, 5, 5], { params: { signedBlocksWindow: 4, unbondingTime: '3s' } }))
  return blocks.map((txs, i) => {
    chain.block(txs, {
      lastCommit: commitOf(chain.state.lastValidatorSet, [key(4)]),
      misbehavior: i === 2 ? [duplicateVote(key(2), 1, 0)] : [],
    })
    return stakingAppHash(chain.state)
  })
}

describe('determinism', () => {
  propertyTest.prop([fc.array(fc.array(tx, { maxLength: 5 }), { minLength: 1, maxLength: 8 })])('same transactions ⇒ same app hash after every block', (blocks) => {
    expect(run(blocks)).toEqual(run(blocks))
  })

  test('the hash depends on the state: a different transaction gives a different hash', () => {
    const [a] = run([[{ type: 'staking.delegate', validator: key(1), delegator: 'a', amount: 1n }]])
    const [b] = run([[{ type: 'staking.delegate', validator: key(1), delegator: 'a', amount: 2n }]])
    expect(a).not.toBe(b)
  })

  test('map insertion order does not reach the hash', () => {
    const state = stakingApp.init(genesisOf([1]))
    const reversed = { ...state, prices: new Map([...state.prices, ['stETH', 5n] as const].reverse()) }
    const inOrder = { ...state, prices: new Map([...state.prices, ['stETH', 5n] as const]) }
    expect(stakingAppHash(reversed)).toBe(stakingAppHash(inOrder))
  })

  test('amounts beyond 64 bits hash (18-decimal tokens)', () => {
    const chain = new ChainDriver(genesisOf([1]))
    chain.block([{ type: 'staking.delegate', validator: key(1), delegator: 'whale', amount: (10n ** 27n).toString() }])
    expect(stakingAppHash(chain.state)).toMatch(/^[0-9a-f]{64}$/)
  })
})
