import { Either, Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { fc, test as propertyTest } from '@fast-check/vitest'
import {
  AggregatorScriptSchema,
  applyScript,
  applySlash,
  diffToTxs,
  powersOf,
  PRICE_ONE,
  stakeViewOf,
  viewPowers,
  type AggregatorScriptStep,
  type StakeView,
} from '../../../src/protocols/staking/index.ts'
import { ChainDriver, duplicateVote, genesisOf, key } from './fixtures.ts'

const M = 1_000_000n

const genesisView = (): { chain: ChainDriver; view: StakeView } => {
  const chain = new ChainDriver(genesisOf([10, 10]))
  return { chain, view: stakeViewOf(chain.state) }
}

describe('stake aggregator: diffToTxs', () => {
  test('no change, no transaction', () => {
    const { view } = genesisView()
    expect(diffToTxs(view, view)).toEqual([])
    expect(diffToTxs(view, { ...view, operators: new Map(view.operators) })).toEqual([])
  })

  test('each kind of change becomes its transaction, in the documented order', () => {
    const { view } = genesisView()
    const steps: AggregatorScriptStep[] = [
      { at: 0, operator: key(3), strategy: 'stETH', sharesDelta: 5n }, // new operator with LST only
      { at: 0, operator: key(3), nativeDelta: 2n * M }, // and self-stake
      { at: 0, operator: key(2), nativeDelta: -3n * M }, // self unstake
      { at: 0, operator: key(1), nativeDelta: 4n * M, delegator: 'zed' }, // a delegation
      { at: 0, operator: key(1), strategy: 'rETH', sharesDelta: 7n, staker: 'amy' }, // a restaker's deposit
      { at: 0, asset: 'stETH', price: 3000n * PRICE_ONE },
    ]
    const next = steps.reduce(applyScript, view)
    expect(diffToTxs(view, next)).toEqual([
      { type: 'staking.set-price', asset: 'stETH', price: (3000n * PRICE_ONE).toString() },
      { type: 'staking.create-validator', pubKey: key(3), selfStake: '2000000' },
      { type: 'staking.delegate', validator: key(1), delegator: 'zed', amount: '4000000' },
      { type: 'staking.sync-lst', operator: key(1), strategy: 'rETH', shares: '7', delegators: { amy: '7' } },
      { type: 'staking.undelegate', validator: key(2), delegator: key(2), amount: '3000000' },
      { type: 'staking.sync-lst', operator: key(3), strategy: 'stETH', shares: '5' },
    ])
  })

  test('an operator that leaves the view is fully undelegated and synced to zero', () => {
    const { view } = genesisView()
    const withLst = applyScript(view, { at: 0, operator: key(2), strategy: 'stETH', sharesDelta: 9n })
    const gone: StakeView = { ...withLst, operators: new Map([...withLst.operators].filter(([k]) => k !== key(2))) }
    expect(diffToTxs(withLst, gone)).toEqual([
      { type: 'staking.undelegate', validator: key(2), delegator: key(2), amount: '10000000' },
      { type: 'staking.sync-lst', operator: key(2), strategy: 'stETH', shares: '0' },
    ])
  })

  const step = fc.oneof(
    fc.record({ at: fc.constant(0), operator: fc.integer({ min: 1, max: 4 }).map(key), strategy: fc.constantFrom('stETH', 'rETH'), sharesDelta: fc.bigInt(-10n * M, 10n * M) }),
    fc.record(
      { at: fc.constant(0), operator: fc.integer({ min: 1, max: 4 }).map(key), strategy: fc.constantFrom('stETH', 'rETH'), sharesDelta: fc.bigInt(-10n * M, 10n * M), staker: fc.constantFrom('amy', 'ben') },
    ),
    fc.record({ at: fc.constant(0), operator: fc.integer({ min: 1, max: 4 }).map(key), nativeDelta: fc.bigInt(-10n * M, 10n * M) }),
    fc.record({ at: fc.constant(0), operator: fc.integer({ min: 1, max: 4 }).map(key), nativeDelta: fc.bigInt(-10n * M, 10n * M), delegator: fc.constantFrom('amy', 'ben') }),
    fc.record({ at: fc.constant(0), asset: fc.constantFrom('C', 'stETH', 'rETH'), price: fc.bigInt(1n, 10n ** 12n) }),
  )

  /** Staker-level holdings of a view, one line each, to count what changed. */
  const holdings = (view: StakeView): Map<string, string> => {
    const lines = new Map<string, string>()
    for (const [asset, price] of view.prices) lines.set(`price ${asset}`, String(price))
    for (const [op, o] of view.operators) {
      lines.set(`operator ${op}`, 'registered')
      for (const [who, amount] of o.native) lines.set(`native ${op} ${who}`, String(amount))
      for (const [s, p] of o.lst) lines.set(`lst ${op} ${s}`, JSON.stringify([String(p.shares), [...(p.delegators ?? [])].map(String).sort()]))
    }
    return lines
  }

  propertyTest.prop([fc.array(fc.array(step, { maxLength: 6 }), { minLength: 1, maxLength: 6 })])(
    'the chain, fed each diff, always matches the view and its powers; every transaction applies; one transaction per change',
    (rounds) => {
      const { chain, view: initial } = genesisView()
      let view = initial
      for (const steps of rounds) {
        const next = steps.reduce(applyScript, view)
        const txs = diffToTxs(view, next)
        const before = holdings(view)
        const after = holdings(next)
        const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k))
        // a new operator's self-stake rides on its create-validator
        const selfStakeOfNew = [...next.operators].filter(([op, o]) => !view.operators.has(op) && (o.native.get(op) ?? 0n) > 0n).length
        expect(txs).toHaveLength(changed.length - selfStakeOfNew)
        const { txResults } = chain.block(txs)
        expect(txResults.filter((r) => r.code !== 0)).toEqual([])
        expect(holdings(stakeViewOf(chain.state))).toEqual(holdings(next))
        // What a slash notice's senders weigh (slashNotice.ts): the powers the chain reckons.
        expect(viewPowers(next, chain.state.params)).toEqual(powersOf(chain.state))
        view = next
      }
    },
  )
})

describe('stake aggregator: slashes and scripts', () => {
  test('applySlash keeps the view equal to the chain after a slash, so the next diff is empty', () => {
    const { chain, view: initial } = genesisView()
    const view = [
      { at: 0, operator: key(1), nativeDelta: 333n, delegator: 'amy' },
      { at: 0, operator: key(1), strategy: 'stETH', sharesDelta: 1001n, staker: 'ben' },
      { at: 0, operator: key(1), strategy: 'stETH', sharesDelta: 99n },
      { at: 0, operator: key(1), strategy: 'rETH', sharesDelta: 12_345n },
    ].reduce<StakeView>(applyScript, initial)
    chain.block(diffToTxs(initial, view))
    chain.block([], { misbehavior: [duplicateVote(key(1), 1, 0)] })
    const [slashed] = chain.eventsNamed('staking.slashed') as { pubKey: string; fraction: bigint }[]
    const mirrored = applySlash(view, slashed!)
    expect(stakeViewOf(chain.state)).toEqual(mirrored)
    expect(diffToTxs(stakeViewOf(chain.state), mirrored)).toEqual([])
  })

  test('withdrawals stop at zero; a restaker step keeps a breakdown that sums to the total', () => {
    const { view } = genesisView()
    const drained = applyScript(view, { at: 0, operator: key(1), nativeDelta: -99n * M })
    expect(drained.operators.get(key(1))!.native.size).toBe(0)
    const pooled = [
      { at: 0, operator: key(1), strategy: 'stETH', sharesDelta: 10n },
      { at: 0, operator: key(1), strategy: 'stETH', sharesDelta: 5n, staker: 'amy' },
      { at: 0, operator: key(1), strategy: 'stETH', sharesDelta: -8n, staker: 'amy' },
    ].reduce<StakeView>(applyScript, view)
    expect(pooled.operators.get(key(1))!.lst.get('stETH')).toEqual({ shares: 10n, delegators: new Map([[key(1), 10n]]) })
  })

  test('a price step sets the price; a step on an unknown operator registers it', () => {
    const { view } = genesisView()
    expect(applyScript(view, { at: 0, asset: 'stETH', price: 7n }).prices.get('stETH')).toBe(7n)
    expect(applyScript(view, { at: 0, operator: key(9), nativeDelta: 0n }).operators.has(key(9))).toBe(true)
  })

  test('the script schema reads scenario YAML values', () => {
    const decoded = Schema.decodeUnknownEither(AggregatorScriptSchema)([
      { at: '30s', operator: key(1), strategy: 'stETH', sharesDelta: '-1000000000000000000000' },
      { at: '1m', asset: 'stETH', price: '2999.5' },
      { at: 500, operator: key(2), nativeDelta: 5, delegator: 'amy' },
    ])
    expect(decoded).toEqual(
      Either.right([
        { at: 30_000_000, operator: key(1), strategy: 'stETH', sharesDelta: -(10n ** 21n) },
        { at: 60_000_000, asset: 'stETH', price: 299_950_000_000n },
        { at: 500_000, operator: key(2), nativeDelta: 5n, delegator: 'amy' },
      ]),
    )
    expect(Either.isLeft(Schema.decodeUnknownEither(AggregatorScriptSchema)([{ at: '1s', operator: key(1), strategy: 'stETH' }]))).toBe(true)
  })
})
