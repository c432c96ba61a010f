import { describe, expect, test } from 'vitest'
import { fc, test as propertyTest } from '@fast-check/vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { PRICE_ONE, stakingAppHash, StakingTxCode } from '../../../src/protocols/staking/index.ts'
import { blockInfo, ChainDriver, genesisOf, key, stakingApp } from './fixtures.ts'

const genesisState = () => stakingApp.init(genesisOf([10, 10]))

describe('staking transactions', () => {
  test('each type applies when well formed and allowed', () => {
    const chain = new ChainDriver(genesisOf([10]))
    const result = chain.block([
      { type: 'staking.create-validator', pubKey: key(5), selfStake: '0' },
      { type: 'staking.delegate', validator: key(5), delegator: 'alice', amount: '4000000' },
      { type: 'staking.set-price', asset: 'stETH', price: 3n * PRICE_ONE },
      { type: 'staking.sync-lst', operator: key(5), strategy: 'stETH', shares: 1_000_000, delegators: { bob: '400000', carol: 600_000 } },
      { type: 'staking.undelegate', validator: key(5), delegator: 'alice', amount: 1_000_000n },
    ])
    expect(result.txResults.map((r) => r.code)).toEqual([0, 0, 0, 0, 0])
    const record = chain.state.validators.get(key(5))!
    expect(record.lstShares.get('stETH')).toEqual({ shares: 1_000_000n, delegators: new Map([['bob', 400_000n], ['carol', 600_000n]]) })
    // 3 C native + 1 stETH·3 = 6 units of 10⁶
    expect(result.validatorUpdates).toEqual([{ pubKey: key(5), power: 6n }])
  })

  test('fields beyond the schema, such as a nonce that keeps equal transactions apart, are ignored', () => {
    const chain = new ChainDriver(genesisOf([10]))
    const delegate = { type: 'staking.delegate', validator: key(1), delegator: 'alice', amount: '1000000' }
    const result = chain.block([{ ...delegate, nonce: 1 }, { ...delegate, nonce: 2 }])
    expect(result.txResults.map((r) => r.code)).toEqual([0, 0])
    expect(chain.state.validators.get(key(1))!.delegations.get('alice')).toBe(2_000_000n)
  })

  test('sync-lst replaces the total, 0 removes it, and an unpriced strategy is accepted with a warning', () => {
    const chain = new ChainDriver(genesisOf([10]))
    const first = chain.block([{ type: 'staking.sync-lst', operator: key(1), strategy: 'rETH', shares: 7 }])
    expect(first.txResults[0]!.log).toMatch(/no rETH price yet/)
    chain.block([{ type: 'staking.sync-lst', operator: key(1), strategy: 'rETH', shares: 5 }])
    expect(chain.state.validators.get(key(1))!.lstShares.get('rETH')).toEqual({ shares: 5n })
    chain.block([{ type: 'staking.sync-lst', operator: key(1), strategy: 'rETH', shares: 0 }])
    expect(chain.state.validators.get(key(1))!.lstShares.size).toBe(0)
  })

  test.each<[string, Tx, number, RegExp]>([
    ['an unknown type', { type: 'staking.mint', amount: 1 }, StakingTxCode.unknownType, /not a staking transaction \(type "staking.mint"\)/],
    ['another application’s type', { type: 'kv.set', key: 'a' }, StakingTxCode.unknownType, /expected one of staking\.create-validator/],
    ['a negative amount', { type: 'staking.delegate', validator: key(1), delegator: 'a', amount: -5 }, StakingTxCode.malformed, /amount > 0/],
    ['a zero delegation', { type: 'staking.delegate', validator: key(1), delegator: 'a', amount: '0' }, StakingTxCode.malformed, /amount > 0/],
    ['a fractional amount', { type: 'staking.delegate', validator: key(1), delegator: 'a', amount: 1.5 }, StakingTxCode.malformed, /expected an integer/],
    ['a missing field', { type: 'staking.undelegate', validator: key(1), amount: 1 }, StakingTxCode.malformed, /delegator/],
    ['an upper-case key', { type: 'staking.unjail', validator: 'ABCD' }, StakingTxCode.malformed, /lowercase hex/],
    ['a breakdown that does not add up', { type: 'staking.sync-lst', operator: key(1), strategy: 's', shares: 5, delegators: { a: 2 } }, StakingTxCode.malformed, /sum to 2, not to shares 5/],
    ['the native token as a strategy', { type: 'staking.sync-lst', operator: key(1), strategy: 'C', shares: 5 }, StakingTxCode.malformed, /native token/],
    ['a zero price', { type: 'staking.set-price', asset: 'C', price: 0 }, StakingTxCode.malformed, /amount > 0/],
    ['a prototype key as delegator', { type: 'staking.delegate', validator: key(1), delegator: '__proto__', amount: 1 }, StakingTxCode.malformed, /letters, digits/],
    ['a second create of the same key', { type: 'staking.create-validator', pubKey: key(1), selfStake: 1 }, StakingTxCode.rejected, /already exists/],
    ['a delegation to nobody', { type: 'staking.delegate', validator: key(9), delegator: 'a', amount: 1 }, StakingTxCode.rejected, /no validator/],
    ['an unjail of a free validator', { type: 'staking.unjail', validator: key(1) }, StakingTxCode.rejected, /not jailed/],
  ])('rejects %s with a clear log and no state change', (_name, tx, code, log) => {
    const state = genesisState()
    const result = stakingApp.finalizeBlock(state, [tx], blockInfo(1, 2_000_000_000))
    expect(result.txResults[0]).toMatchObject({ code, log: expect.stringMatching(log) })
    expect(stakingAppHash(result.state)).toBe(stakingAppHash(stakingApp.finalizeBlock(state, [], blockInfo(1, 2_000_000_000)).state))
  })

  test('checkTx only checks the schema; processProposal rejects blocks with malformed transactions', () => {
    const state = genesisState()
    const wellFormedButUnknown = { type: 'staking.delegate', validator: key(9), delegator: 'a', amount: 1 }
    expect(stakingApp.checkTx(state, wellFormedButUnknown).code).toBe(StakingTxCode.ok)
    const malformed = { type: 'staking.delegate', validator: key(9) }
    expect(stakingApp.processProposal(state, [wellFormedButUnknown], blockInfo(1, 0))).toBe(true)
    expect(stakingApp.processProposal(state, [wellFormedButUnknown, malformed], blockInfo(1, 0))).toBe(false)
    expect(stakingApp.prepareProposal(state, [malformed, wellFormedButUnknown], blockInfo(1, 0))).toEqual([wellFormedButUnknown])
  })

  test('vote extensions are unused: empty, and only empty ones verify', () => {
    const state = genesisState()
    expect(stakingApp.extendVote(state, 1, 'b')).toEqual(new Uint8Array(0))
    expect(stakingApp.verifyVoteExtension(state, 1, 'b', new Uint8Array(0))).toBe(true)
    expect(stakingApp.verifyVoteExtension(state, 1, 'b', new Uint8Array([1]))).toBe(false)
  })

  const txLike = fc.oneof(
    fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true, withTypedArray: true }),
    fc.record(
      {
        type: fc.constantFrom('staking.create-validator', 'staking.delegate', 'staking.undelegate', 'staking.sync-lst', 'staking.set-price', 'staking.unjail'),
        pubKey: fc.oneof(fc.constant(key(1)), fc.string()),
        validator: fc.oneof(fc.constant(key(1)), fc.anything()),
        operator: fc.oneof(fc.constant(key(2)), fc.anything()),
        delegator: fc.oneof(fc.constantFrom('alice', key(1)), fc.anything()),
        amount: fc.oneof(fc.bigInt(), fc.integer(), fc.double(), fc.string(), fc.anything()),
        selfStake: fc.oneof(fc.bigInt(), fc.string()),
        shares: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.anything()),
        strategy: fc.oneof(fc.constantFrom('stETH', 'C'), fc.string()),
        delegators: fc.anything(),
        asset: fc.oneof(fc.constantFrom('stETH', 'C'), fc.string()),
        price: fc.oneof(fc.bigInt(), fc.anything()),
      },
      { requiredKeys: ['type'] },
    ),
  )

  propertyTest.prop([fc.array(txLike, { maxLength: 8 })], { numRuns: 300 })('never throws; every result is a code and a log; a failed tx changes nothing', (txs) => {
    const state = genesisState()
    for (const tx of txs) expect(() => stakingApp.checkTx(state, tx as Tx)).not.toThrow()
    const result = stakingApp.finalizeBlock(state, txs as Tx[], blockInfo(1, 2_000_000_000))
    expect(result.txResults).toHaveLength(txs.length)
    for (const { code, log } of result.txResults) {
      expect(Number.isInteger(code)).toBe(true)
      expect(log.length).toBeGreaterThan(0)
    }
    const applied = txs.filter((_, i) => result.txResults[i]!.code === 0)
    expect(stakingAppHash(stakingApp.finalizeBlock(state, applied as Tx[], blockInfo(1, 2_000_000_000)).state)).toBe(stakingAppHash(result.state))
  })
})
