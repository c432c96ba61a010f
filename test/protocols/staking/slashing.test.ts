import { describe, expect, test } from 'vitest'
import { JAILED_FOREVER, StakingTxCode } from '../../../src/protocols/staking/index.ts'
import { ChainDriver, commitOf, duplicateVote, genesisOf, key, SECOND } from './fixtures.ts'

const M = 1_000_000n

describe('double-sign', () => {
  const setup = () => {
    // validator 1: 100 C self-stake, 20 C from alice, 1000 stETH shares at 2 C each (2000 units); validator 2: 50 C
    const chain = new ChainDriver(
      genesisOf([100, 50], {
        params: { initialPrices: { stETH: 2 } },
        stakes: [{ validator: key(1), delegator: 'alice', amount: 20n * M }],
        lstShares: [{ operator: key(1), strategy: 'stETH', shares: (1000n * M).toString() }],
      }),
    )
    chain.block()
    return chain
  }

  test('slashes 5% of self-stake, delegations and LST shares, tombstones and jails forever', () => {
    const chain = setup()
    const result = chain.block([], { misbehavior: [duplicateVote(key(1), 1, chain.time - SECOND)] })
    const record = chain.state.validators.get(key(1))!
    expect(record.selfStake).toBe(95n * M)
    expect(record.delegations.get('alice')).toBe(19n * M)
    expect(record.lstShares.get('stETH')).toEqual({ shares: 950n * M })
    expect(record.tombstoned).toBe(true)
    expect(record.jailedUntil).toBe(JAILED_FOREVER)
    expect(chain.eventsNamed('staking.slashed')).toEqual([
      { pubKey: key(1), reason: 'double-sign', amount: 106n * M, height: 2, fraction: 50_000n, native: 6n * M, lstShares: { stETH: 50n * M } },
    ])
    expect(chain.eventsNamed('staking.tombstoned')).toEqual([{ pubKey: key(1), height: 2 }])
    expect(chain.eventsNamed('staking.jailed')).toEqual([{ pubKey: key(1), reason: 'double-sign', until: 'forever', height: 2 }])
    expect(result.validatorUpdates).toEqual([{ pubKey: key(1), power: 0n }])
    expect(chain.state.validators.get(key(2))!.selfStake).toBe(50n * M)
  })

  test('each fault is paid once: the same evidence again, or a second one, changes nothing', () => {
    const chain = setup()
    const evidence = duplicateVote(key(1), 1, chain.time - SECOND)
    chain.block([], { misbehavior: [evidence, duplicateVote(key(1), 2, chain.time)] })
    expect(chain.eventsNamed('staking.slashed')).toHaveLength(1)
    const after = chain.state.validators.get(key(1))
    chain.block([], { misbehavior: [evidence] })
    expect(chain.last!.events).toEqual([])
    expect(chain.state.validators.get(key(1))).toEqual(after)
  })

  test('a tombstoned validator cannot unjail', () => {
    const chain = setup()
    chain.block([], { misbehavior: [duplicateVote(key(1), 1, chain.time)] })
    const result = chain.block([{ type: 'staking.unjail', validator: key(1) }], {}, 10 ** 9 * SECOND)
    expect(result.txResults[0]).toMatchObject({ code: StakingTxCode.rejected, log: expect.stringMatching(/tombstoned/) })
  })

  test('unbonding that started at or after the fault height is slashed too; earlier unbonding is not', () => {
    const chain = setup()
    chain.block([{ type: 'staking.undelegate', validator: key(1), delegator: 'alice', amount: 10n * M }]) // height 2
    chain.block([{ type: 'staking.undelegate', validator: key(1), delegator: 'alice', amount: 10n * M }]) // height 3
    chain.block([], { misbehavior: [duplicateVote(key(1), 3, chain.time)] })
    expect(chain.state.unbonding.map((e) => e.amount)).toEqual([10n * M, 9_500_000n])
    expect(chain.eventsNamed('staking.slashed')).toMatchObject([{ native: 5n * M + 500_000n }])
  })

  test('evidence against an unknown key is ignored', () => {
    const chain = setup()
    chain.block([], { misbehavior: [duplicateVote(key(9), 1, chain.time)] })
    expect(chain.last!.events).toEqual([])
  })
})

describe('downtime', () => {
  // window 10, must sign 50%: missing a 6th block of the window jails
  const params = { signedBlocksWindow: 10, minSignedPerWindow: 0.5, downtimeJailDuration: '60s' }

  test('missing more than half the window slashes 1%, jails for the duration, and unjail works only after it', () => {
    const chain = new ChainDriver(genesisOf([100, 100, 100], { params }))
    chain.block()
    for (let missed = 1; missed <= 5; missed++) {
      chain.block([], { lastCommit: commitOf(chain.state.lastValidatorSet, [key(3)]) })
      expect(chain.eventsNamed('staking.slashed')).toEqual([])
    }
    const jailedAt = chain.time + SECOND
    const result = chain.block([], { lastCommit: commitOf(chain.state.lastValidatorSet, [key(3)]) })
    expect(chain.eventsNamed('staking.slashed')).toEqual([
      { pubKey: key(3), reason: 'downtime', amount: M, height: 7, fraction: 10_000n, native: M, lstShares: {} },
    ])
    expect(chain.eventsNamed('staking.jailed')).toEqual([{ pubKey: key(3), reason: 'downtime', until: jailedAt + 60 * SECOND, height: 7 }])
    expect(result.validatorUpdates).toEqual([{ pubKey: key(3), power: 0n }])
    const record = chain.state.validators.get(key(3))!
    expect(record.selfStake).toBe(99n * M)
    expect(record.tombstoned).toBe(false)
    expect(record.signing).toEqual({ recorded: 0, missedBitmap: 0n, missedCount: 0 })

    const early = chain.block([{ type: 'staking.unjail', validator: key(3) }], {}, 60 * SECOND - 1)
    expect(early.txResults[0]).toMatchObject({ code: StakingTxCode.rejected, log: expect.stringMatching(/jailed until/) })
    expect(chain.time).toBe(jailedAt + 60 * SECOND - 1)
    const onTime = chain.block([{ type: 'staking.unjail', validator: key(3) }], {}, 1)
    expect(onTime.txResults[0]!.code).toBe(StakingTxCode.ok)
    expect(onTime.validatorUpdates).toEqual([{ pubKey: key(3), power: 99n }])
  })

  test('misses that slide out of the window are forgiven; one more than allowed within it jails', () => {
    const chain = new ChainDriver(genesisOf([100, 100], { params }))
    chain.block()
    const blocksWith = (count: number, absent: string[]) => {
      for (let i = 0; i < count; i++) chain.block([], { lastCommit: commitOf(chain.state.lastValidatorSet, absent) })
    }
    // three windows of 5 missed then 5 signed: each miss replaces a miss, never 6 in a window
    for (let cycle = 0; cycle < 3; cycle++) {
      blocksWith(5, [key(2)])
      blocksWith(5, [])
    }
    expect(chain.state.validators.get(key(2))!.signing.missedCount).toBe(5)
    expect(chain.state.validators.get(key(2))!.jailedUntil).toBe(null)
    blocksWith(5, [key(2)])
    expect(chain.state.validators.get(key(2))!.jailedUntil).toBe(null)
    blocksWith(1, [key(2)])
    expect(chain.state.validators.get(key(2))!.jailedUntil).toBe(chain.time + 60 * SECOND)
  })

  test('a jailed validator still in the commit is not slashed again', () => {
    const chain = new ChainDriver(genesisOf([100, 100, 100], { params }))
    chain.block()
    const set = chain.state.lastValidatorSet
    for (let i = 0; i < 6; i++) chain.block([], { lastCommit: commitOf(set, [key(3)]) })
    expect(chain.eventsNamed('staking.slashed')).toHaveLength(1)
    for (let i = 0; i < 8; i++) {
      chain.block([], { lastCommit: commitOf(set, [key(3)]) })
      expect(chain.eventsNamed('staking.slashed')).toEqual([])
    }
  })
})
