import { describe, expect, test } from 'vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { signTx } from '../../../src/protocols/chain/index.ts'
import { StakingTxCode } from '../../../src/protocols/staking/index.ts'
import { blockInfo, ChainDriver, SECOND, signingKey, stakingApp, signedGenesis } from './fixtures.ts'

const aggregator = signingKey(1)
const operator = signingKey(2)
const stranger = signingKey(3)

const genesis = signedGenesis('auth-test', aggregator, operator, { signedBlocksWindow: 4, minSignedPerWindow: 0.5, downtimeJailDuration: '1s' })

/** Signed stake changes expire (see replay.test.ts): these, a minute after genesis. */
const expiresAt = genesis.time + 60 * SECOND
const delegate: Tx = { type: 'staking.delegate', validator: operator.hex, delegator: 'alice', amount: '5000000', expiresAt }
const signedBy = (who: { hex: string; sign: (m: Uint8Array) => Uint8Array }, tx: Tx, chainId = genesis.chainId) => signTx(chainId, tx, who.hex, who.sign)

describe('who may change stake', () => {
  test("a stake authority's signed transaction applies", () => {
    const chain = new ChainDriver(genesis)
    const result = chain.block([signedBy(aggregator, delegate)])
    expect(result.txResults[0]!.code).toBe(StakingTxCode.ok)
    expect(chain.state.validators.get(operator.hex)!.delegations.get('alice')).toBe(5_000_000n)
  })

  test.each<[string, Tx, RegExp]>([
    ['unsigned', delegate, /staking\.delegate must be signed by a stake authority \(the stake aggregator\): it is unsigned/],
    ["signed by a key that is not an authority's", signedBy(stranger, delegate), /is not one/],
    ['signed by the validator it delegates to', signedBy(operator, delegate), /is not one/],
    ['changed after signing', { ...signedBy(aggregator, delegate), amount: '5000000000' }, /its signature does not verify/],
    ['signed for another chain', signedBy(aggregator, delegate, 'other-chain'), /its signature does not verify/],
    ['signed under another signer', { ...signedBy(stranger, delegate), signer: aggregator.hex }, /its signature does not verify/],
  ])('a stake change %s is refused at admission, in a proposal and in a block, and changes nothing', (_what, tx, log) => {
    const chain = new ChainDriver(genesis)
    const before = chain.state
    const admission = stakingApp.checkTx(before, tx)
    expect(admission).toEqual({ code: StakingTxCode.unauthorized, log: expect.stringMatching(log) })
    expect(stakingApp.processProposal(before, [tx], blockInfo(1, genesis.time))).toBe(false)
    expect(stakingApp.prepareProposal(before, [tx, signedBy(aggregator, delegate)], blockInfo(1, genesis.time))).toHaveLength(1)
    const result = chain.block([tx])
    expect(result.txResults).toEqual([admission])
    expect(chain.state.validators).toEqual(before.validators)
    expect(result.validatorUpdates).toEqual([])
  })

  test('every kind of stake change needs an authority; only unjail may come from the validator itself', () => {
    const state = new ChainDriver(genesis).state
    const changes: Tx[] = [
      { type: 'staking.create-validator', pubKey: stranger.hex, selfStake: '1', expiresAt },
      delegate,
      { type: 'staking.undelegate', validator: operator.hex, delegator: 'alice', amount: 1, expiresAt },
      { type: 'staking.sync-lst', operator: operator.hex, strategy: 'stETH', shares: 5, expiresAt },
      { type: 'staking.set-price', asset: 'stETH', price: 3, expiresAt },
    ]
    for (const tx of changes) expect(stakingApp.checkTx(state, signedBy(operator, tx)).code, tx.type).toBe(StakingTxCode.unauthorized)
    const unjail: Tx = { type: 'staking.unjail', validator: operator.hex, expiresAt }
    expect(stakingApp.checkTx(state, signedBy(operator, unjail)).code).toBe(StakingTxCode.ok)
    expect(stakingApp.checkTx(state, signedBy(aggregator, unjail)).code).toBe(StakingTxCode.ok)
    expect(stakingApp.checkTx(state, signedBy(stranger, unjail)).log).toMatch(/must be signed by its validator or a stake authority/)
  })

  test('a validator jailed for downtime unjails itself with its own signature', () => {
    const chain = new ChainDriver(genesis)
    const missed = { lastCommit: [{ pubKey: operator.hex, power: 10n, signed: false }] }
    for (let i = 0; i < 4; i++) chain.block([], missed)
    expect(chain.state.validators.get(operator.hex)!.jailedUntil).not.toBeNull()
    const result = chain.block([signedBy(operator, { type: 'staking.unjail', validator: operator.hex, expiresAt })], {}, 2 * SECOND)
    expect(result.txResults[0]!.code).toBe(StakingTxCode.ok)
    expect(chain.state.validators.get(operator.hex)!.jailedUntil).toBeNull()
  })
})
