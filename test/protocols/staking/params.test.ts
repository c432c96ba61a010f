import { Either, Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { defaultStakingParams, PRICE_ONE, StakingParamsSchema } from '../../../src/protocols/staking/index.ts'
import { genesisOf, key, stakingApp } from './fixtures.ts'

const decode = Schema.decodeUnknownEither(StakingParamsSchema)

describe('staking params', () => {
  test('defaults are Cosmos SDK x/staking + x/slashing', () => {
    expect(defaultStakingParams).toEqual({
      powerReduction: 1_000_000n,
      maxValidators: 100,
      unbondingTime: 21 * 24 * 3600 * 1_000_000,
      slashFractionDoubleSign: 50_000n,
      slashFractionDowntime: 10_000n,
      signedBlocksWindow: 100,
      minSignedPerWindow: 500_000n,
      downtimeJailDuration: 600_000_000,
      haircuts: new Map(),
      initialPrices: new Map([['C', PRICE_ONE]]),
      // ADR 070's DefaultMaxTimeoutDuration for unordered transactions.
      maxTxTimeout: 10 * 60 * 1_000_000,
    })
    expect(decode({})).toEqual(Either.right(defaultStakingParams))
  })

  test('scenario form: durations with units, fractions as numbers, prices as decimals merged over $C = 1', () => {
    const decoded = decode({
      powerReduction: '1000000000000000000',
      unbondingTime: '30s',
      slashFractionDowntime: 0.001,
      haircuts: { stETH: 0.4 },
      initialPrices: { stETH: '3000.12345678', rETH: 2500.5 },
    })
    expect(decoded).toEqual(
      Either.right({
        ...defaultStakingParams,
        powerReduction: 10n ** 18n,
        unbondingTime: 30_000_000,
        slashFractionDowntime: 1_000n,
        haircuts: new Map([['stETH', 400_000n]]),
        initialPrices: new Map([['C', PRICE_ONE], ['stETH', 300_012_345_678n], ['rETH', 250_050_000_000n]]),
      }),
    )
  })

  test.each([
    [{ slashFractionDoubleSign: 1.5 }, /fraction between 0 and 1/],
    [{ haircuts: { stETH: -0.1 } }, /fraction between 0 and 1/],
    [{ initialPrices: { stETH: '1.123456789' } }, /at most 8 decimals/],
    [{ initialPrices: { stETH: 0 } }, /positive price/],
    [{ powerReduction: 0 }, /amount > 0/],
    [{ maxValidators: 0 }, /expected a positive integer, got 0/],
    [{ unbondingTime: 'soon' }, /duration/],
  ])('rejects %j', (input, message) => {
    const decoded = decode(input)
    expect(Either.isLeft(decoded)).toBe(true)
    if (Either.isLeft(decoded)) expect(String(decoded.left)).toMatch(message)
  })
})

describe('genesis', () => {
  test('each validator self-stakes power × powerReduction; extra stakes and LST shares add; consensus starts from the genesis set', () => {
    const state = stakingApp.init(
      genesisOf([2, 3], {
        params: { powerReduction: 1000, initialPrices: { stETH: 2 } },
        stakes: [{ validator: key(1), amount: 500 }, { validator: key(2), delegator: 'dora', amount: '250' }],
        lstShares: [{ operator: key(2), strategy: 'stETH', shares: 1000, delegators: { erin: 1000 } }],
      }),
    )
    expect(state.validators.get(key(1))!.selfStake).toBe(2_500n)
    expect(state.validators.get(key(2))!.selfStake).toBe(3_000n)
    expect(state.validators.get(key(2))!.delegations).toEqual(new Map([['dora', 250n]]))
    expect(state.lastValidatorSet).toEqual(new Map([[key(1), 2n], [key(2), 3n]]))
    const first = stakingApp.finalizeBlock(state, [], { height: 1, time: 0, proposerPubKey: key(1), lastCommit: [], misbehavior: [] })
    // key 2: 3000 + 250 + 1000·2 = 5250 units → power 5
    expect(first.validatorUpdates).toEqual([{ pubKey: key(2), power: 5n }])
  })

  test.each([
    [{ params: { maxValidators: 'many' } }, /genesis\.app\.staking: .*maxValidators/s],
    [{ stakes: [{ validator: key(9), amount: 1 }] }, /stakes\[0\]: delegate: no validator/],
    [{ lstShares: [{ operator: key(1), strategy: 'x', shares: -1 }] }, /lstShares\[0\]: staking\.sync-lst: .*amount ≥ 0/s],
  ])('an unusable genesis throws a clear error: %j', (staking, message) => {
    expect(() => stakingApp.init(genesisOf([1], staking))).toThrow(message)
  })

  test('a repeated genesis key is refused', () => {
    const genesis = genesisOf([1, 1])
    expect(() => stakingApp.init({ ...genesis, validators: [genesis.validators[0]!, genesis.validators[0]!] })).toThrow(/repeats public key/)
  })
})
