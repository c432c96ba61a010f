import { describe, expect, test } from 'vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { signTx } from '../../../src/protocols/chain/index.ts'
import { StakingTxCode } from '../../../src/protocols/staking/index.ts'
import { blockInfo, ChainDriver, SECOND, signingKey, stakingApp, signedGenesis } from './fixtures.ts'

const aggregator = signingKey(1)
const operator = signingKey(2)

const genesis = signedGenesis('order-test', aggregator, operator)

const expiresAt = genesis.time + 60 * SECOND
const signed = (tx: Tx): Tx => signTx(genesis.chainId, { ...tx, expiresAt }, aggregator.hex, aggregator.sign)
/** The aggregator's sync of the operator's stETH shares, as of `asOf` (none when undefined). */
const lst = (shares: number, asOf: number | undefined, strategy = 'stETH'): Tx =>
  signed({ type: 'staking.sync-lst', operator: operator.hex, strategy, shares: String(shares), ...(asOf === undefined ? {} : { asOf }) })
const price = (asset: string, value: string, asOf: number): Tx => signed({ type: 'staking.set-price', asset, price: value, asOf })
const sharesHeld = (chain: ChainDriver, strategy = 'stETH') => chain.state.validators.get(operator.hex)?.lstShares.get(strategy)?.shares
const codes = (chain: ChainDriver, txs: readonly Tx[]) => chain.block(txs).txResults.map((r) => r.code)

describe('totals land in the order of what they state, whatever order they arrive in', () => {
  test('an older LST total after a newer one is refused in blocks, in proposals and at admission: the newer stays', () => {
    const chain = new ChainDriver(genesis)
    expect(codes(chain, [lst(300, 2)])).toEqual([StakingTxCode.ok])
    const late = lst(100, 1)
    const next = blockInfo(chain.height + 1, chain.time + SECOND)
    expect(stakingApp.checkTx(chain.state, late)).toEqual({
      code: StakingTxCode.outdated,
      log: `staking.sync-lst (lst ${operator.hex} stETH) as of 1 is older than the total the chain holds, as of 2`,
    })
    expect(stakingApp.processProposal(chain.state, [late], next)).toBe(false)
    expect(stakingApp.prepareProposal(chain.state, [late], next)).toEqual([])
    expect(codes(chain, [late])).toEqual([StakingTxCode.outdated])
    expect(sharesHeld(chain)).toBe(300n)
  })

  test('in one block, the order in the block does not matter either', () => {
    const newerFirst = new ChainDriver(genesis)
    expect(codes(newerFirst, [lst(300, 2), lst(100, 1)])).toEqual([StakingTxCode.ok, StakingTxCode.outdated])
    const olderFirst = new ChainDriver(genesis)
    expect(codes(olderFirst, [lst(100, 1), lst(300, 2)])).toEqual([StakingTxCode.ok, StakingTxCode.ok])
    expect([sharesHeld(newerFirst), sharesHeld(olderFirst)]).toEqual([300n, 300n])
  })

  test('a total removed (0 shares) is not brought back by an older one', () => {
    const chain = new ChainDriver(genesis)
    chain.block([lst(100, 1)])
    chain.block([lst(0, 2)])
    expect(codes(chain, [lst(200, 1)])).toEqual([StakingTxCode.outdated])
    expect(sharesHeld(chain)).toBeUndefined()
  })

  test('the same observation stated again is taken', () => {
    const chain = new ChainDriver(genesis)
    chain.block([lst(100, 4)])
    expect(codes(chain, [lst(100, 4)])).toEqual([StakingTxCode.replayed])
    const restated = signTx(genesis.chainId, { type: 'staking.sync-lst', operator: operator.hex, strategy: 'stETH', shares: '90', asOf: 4, expiresAt, nonce: 'again' }, aggregator.hex, aggregator.sign)
    expect(codes(chain, [restated])).toEqual([StakingTxCode.ok])
    expect(sharesHeld(chain)).toBe(90n)
  })

  test('each thing a total states has its own order: other strategies, other prices', () => {
    const chain = new ChainDriver(genesis)
    chain.block([lst(100, 5), price('stETH', '3', 5)])
    expect(codes(chain, [lst(200, 1, 'rETH'), price('C', '2', 1)])).toEqual([StakingTxCode.ok, StakingTxCode.ok])
    expect(codes(chain, [price('stETH', '4', 4)])).toEqual([StakingTxCode.outdated])
    expect([sharesHeld(chain), sharesHeld(chain, 'rETH'), chain.state.prices.get('stETH'), chain.state.prices.get('C')]).toEqual([100n, 200n, 3n, 2n])
  })

  test('a total the state refused holds nothing back: an older one may land after it', () => {
    const chain = new ChainDriver(genesis)
    const stranger = signingKey(3)
    const early = signed({ type: 'staking.sync-lst', operator: stranger.hex, strategy: 'stETH', shares: '100', asOf: 3 })
    expect(codes(chain, [early])).toEqual([StakingTxCode.rejected])
    chain.block([signed({ type: 'staking.create-validator', pubKey: stranger.hex, selfStake: '1000000' })])
    expect(codes(chain, [signed({ type: 'staking.sync-lst', operator: stranger.hex, strategy: 'stETH', shares: '50', asOf: 1 })])).toEqual([StakingTxCode.ok])
  })

  test('a signed total without asOf is refused, in proposals too', () => {
    const chain = new ChainDriver(genesis)
    const unordered = lst(100, undefined)
    expect(stakingApp.processProposal(chain.state, [unordered], blockInfo(1, chain.time + SECOND))).toBe(false)
    expect(chain.block([unordered]).txResults[0]).toEqual({ code: StakingTxCode.outdated, log: 'staking.sync-lst: a signed total needs asOf, the observation it states (found none)' })
    expect(sharesHeld(chain)).toBeUndefined()
  })

  test('without stake authorities a total needs no asOf, and one with asOf is ordered all the same', () => {
    const open = new ChainDriver({ ...genesis, app: { staking: {} } })
    const sync = (shares: string, asOf?: number): Tx => ({ type: 'staking.sync-lst', operator: operator.hex, strategy: 'stETH', shares, ...(asOf === undefined ? {} : { asOf }) })
    expect(codes(open, [sync('100'), sync('300', 2), sync('200', 1)])).toEqual([StakingTxCode.ok, StakingTxCode.ok, StakingTxCode.outdated])
    expect(sharesHeld(open)).toBe(300n)
  })

  test.each<[string, unknown]>([
    ['negative', -1],
    ['fractional', 1.5],
    ['a string', '3'],
  ])('an asOf that is %s is malformed', (_what, asOf) => {
    const chain = new ChainDriver(genesis)
    expect(chain.block([signed({ type: 'staking.set-price', asset: 'stETH', price: '3', asOf })]).txResults[0]!.code).toBe(StakingTxCode.malformed)
  })

  test('what each total is as of is part of the state the app hash covers', () => {
    const chain = new ChainDriver(genesis)
    chain.block([lst(100, 1)])
    expect(stakingApp.appHash(chain.state)).not.toBe(stakingApp.appHash({ ...chain.state, totalsAsOf: new Map() }))
  })
})
