import { describe, expect, test } from 'vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { signTx } from '../../../src/protocols/chain/index.ts'
import { StakingTxCode } from '../../../src/protocols/staking/index.ts'
import { blockInfo, ChainDriver, SECOND, signingKey, stakingApp, signedGenesis } from './fixtures.ts'

const aggregator = signingKey(1)
const operator = signingKey(2)
const newcomer = signingKey(3)

const MINUTE = 60 * SECOND

const genesis = signedGenesis('replay-test', aggregator, operator)

const signed = (tx: Tx): Tx => signTx(genesis.chainId, tx, aggregator.hex, aggregator.sign)
const delegation = (expiresAt: unknown, validator = operator.hex): Tx =>
  signed({ type: 'staking.delegate', validator, delegator: 'alice', amount: '5000000', ...(expiresAt === undefined ? {} : { expiresAt }) })
const aliceBond = (chain: ChainDriver, validator = operator.hex) => chain.state.validators.get(validator)?.delegations.get('alice')

describe('signed stake changes are included at most once', () => {
  test('a delegation put in a later block again is refused there, in proposals and at admission: the stake is bonded once', () => {
    const chain = new ChainDriver(genesis)
    const tx = delegation(genesis.time + 5 * MINUTE)
    expect(chain.block([tx]).txResults[0]!.code).toBe(StakingTxCode.ok)
    const next = blockInfo(chain.height + 1, chain.time + SECOND)
    expect(stakingApp.checkTx(chain.state, tx)).toEqual({ code: StakingTxCode.replayed, log: 'staking.delegate was already included (a replay)' })
    expect(stakingApp.processProposal(chain.state, [tx], next)).toBe(false)
    expect(stakingApp.prepareProposal(chain.state, [tx], next)).toEqual([])
    expect(chain.block([tx]).txResults[0]!.code).toBe(StakingTxCode.replayed)
    expect(aliceBond(chain)).toBe(5_000_000n)
  })

  test('twice in one block: the second is the replay', () => {
    const chain = new ChainDriver(genesis)
    const tx = delegation(genesis.time + MINUTE)
    expect(chain.block([tx, tx]).txResults.map((r) => r.code)).toEqual([StakingTxCode.ok, StakingTxCode.replayed])
    expect(aliceBond(chain)).toBe(5_000_000n)
  })

  test('a change the state refused is not spent: included again once the state allows it, it lands, once', () => {
    const chain = new ChainDriver(genesis)
    const early = delegation(genesis.time + 5 * MINUTE, newcomer.hex)
    expect(chain.block([early]).txResults[0]!.code).toBe(StakingTxCode.rejected)
    expect(chain.state.recentTxs.size).toBe(0)
    chain.block([signed({ type: 'staking.create-validator', pubKey: newcomer.hex, selfStake: '1000000', expiresAt: genesis.time + 5 * MINUTE })])
    expect(chain.block([early, early]).txResults.map((r) => r.code)).toEqual([StakingTxCode.ok, StakingTxCode.replayed])
    expect(aliceBond(chain, newcomer.hex)).toBe(5_000_000n)
  })

  test.each<[string, unknown, RegExp]>([
    ['without expiresAt', undefined, /needs expiresAt, a chain time in µs \(found none\)/],
    ['with an expiresAt that is no time', '10m', /needs expiresAt.*found "10m"/],
    ['with an expiresAt too large for a number', 2n ** 63n, /needs expiresAt.*found 9223372036854775808\)/],
    ['with an expiresAt that is an object', { at: 5 }, /needs expiresAt.*found an object\)/],
    ['expired before the block', genesis.time + SECOND, /expired at 1001000000, before the block time 1001000000/],
    ['expiring beyond maxTxTimeout', genesis.time + 11 * MINUTE, /more than maxTxTimeout \(600000000 µs\) after the block time/],
  ])('a change %s is refused in proposals and in blocks, and changes nothing', (_what, expiresAt, log) => {
    const chain = new ChainDriver(genesis)
    const tx = delegation(expiresAt)
    const first = blockInfo(1, genesis.time + SECOND)
    expect(stakingApp.processProposal(chain.state, [tx], first)).toBe(false)
    expect(stakingApp.prepareProposal(chain.state, [tx], first)).toEqual([])
    expect(chain.block([tx]).txResults[0]).toEqual({ code: StakingTxCode.timeout, log: expect.stringMatching(log) })
    expect(aliceBond(chain)).toBeUndefined()
  })

  test('admission judges expiry by the last block and leaves the ceiling to the block, whose time it does not know yet', () => {
    const chain = new ChainDriver(genesis)
    chain.block()
    expect(stakingApp.checkTx(chain.state, delegation(chain.time)).code).toBe(StakingTxCode.timeout)
    expect(stakingApp.checkTx(chain.state, delegation(chain.time + 1)).code).toBe(StakingTxCode.ok)
    expect(stakingApp.checkTx(chain.state, delegation(chain.time + 60 * MINUTE)).code).toBe(StakingTxCode.ok)
  })

  test('what was included is remembered until it expires, then forgotten: the memory stays bounded and the replay is refused as expired', () => {
    const chain = new ChainDriver(genesis)
    const tx = delegation(genesis.time + 3 * SECOND)
    chain.block([tx])
    expect(chain.state.recentTxs.size).toBe(1)
    chain.block()
    expect(chain.state.recentTxs.size).toBe(1)
    chain.block()
    expect(chain.state.recentTxs.size).toBe(0)
    expect(chain.block([tx]).txResults[0]!.code).toBe(StakingTxCode.timeout)
    expect(aliceBond(chain)).toBe(5_000_000n)
  })

  test('the memory is part of the state the app hash covers: nodes that remember differently disagree', () => {
    const chain = new ChainDriver(genesis)
    chain.block([delegation(genesis.time + MINUTE)])
    expect(stakingApp.appHash(chain.state)).not.toBe(stakingApp.appHash({ ...chain.state, recentTxs: new Map() }))
  })

  test('without stake authorities (an application driven alone), transactions need no expiry', () => {
    const open = new ChainDriver({ ...genesis, app: { staking: {} } })
    const tx: Tx = { type: 'staking.delegate', validator: operator.hex, delegator: 'alice', amount: '5000000' }
    expect(open.block([tx]).txResults[0]!.code).toBe(StakingTxCode.ok)
    expect(open.state.recentTxs.size).toBe(0)
  })
})
