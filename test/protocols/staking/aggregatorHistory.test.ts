import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import {
  AggregatorScriptSchema,
  applyScript,
  diffToTxs,
  restatedTotals,
  restatementPlace,
  stakeViewOf,
  stepPlace,
  StakingTxCode,
  viewsBeforeSteps,
  type MirroredSlash,
} from '../../../src/protocols/staking/index.ts'
import { ChainDriver, duplicateVote, genesisOf, key, SECOND } from './fixtures.ts'

const operator = key(1)
const steps = Schema.decodeUnknownSync(AggregatorScriptSchema)([
  { at: '1s', operator, strategy: 'stETH', sharesDelta: 1_000 },
  { at: '2s', operator, strategy: 'stETH', sharesDelta: 100 },
])
const stamped = (txs: readonly Tx[], asOf: number): Tx[] => txs.map((tx) => ({ ...tx, asOf }))
const shares = (chain: ChainDriver) => chain.state.validators.get(operator)!.lstShares.get('stETH')?.shares

describe("the stake aggregator's history: steps, and the restatements of the slashes it mirrors", () => {
  test('places follow the order things were sent in, and stay what they were as more slashes are mirrored', () => {
    const slash = (beforeStep: number): MirroredSlash => ({ beforeStep, pubKey: operator, fraction: 10_000n })
    // Sent: step 0, step 1, restatements of slashes 0 and 1, step 2, restatement of slash 2, step 3.
    const slashes = [slash(2), slash(2), slash(3)]
    const places = [stepPlace(0, slashes), stepPlace(1, slashes), restatementPlace(0, slashes), restatementPlace(1, slashes), stepPlace(2, slashes), restatementPlace(2, slashes), stepPlace(3, slashes)]
    expect(places).toEqual([0, 1, 2, 3, 4, 5, 6])
    // What was placed before a slash was mirrored keeps its place after.
    expect([stepPlace(0, slashes.slice(0, 1)), stepPlace(1, slashes.slice(0, 1)), restatementPlace(0, slashes.slice(0, 1))]).toEqual(places.slice(0, 3))
  })

  test('an LST total sent just before a slash and landing after it does not put the slashed shares back, in either order with the restatement', () => {
    const results = (['total first', 'restatement first'] as const).map((order) => {
      const chain = new ChainDriver(genesisOf([10]))
      const genesis = stakeViewOf(chain.state)
      const noSlashes = viewsBeforeSteps(genesis, steps, [])
      const stepTxs = (i: number) => stamped(diffToTxs(noSlashes[i]!, applyScript(noSlashes[i]!, steps[i]!)), stepPlace(i, []))
      chain.block(stepTxs(0))
      const total = stepTxs(1) // 1100 shares, still on its way while the operator is slashed 5%
      chain.block([], { misbehavior: [duplicateVote(operator, 1, chain.time - SECOND)] })
      expect(shares(chain)).toBe(950n)
      const slashes: MirroredSlash[] = [{ beforeStep: 2, pubKey: operator, fraction: 50_000n }]
      const restatement = stamped(restatedTotals(genesis, steps, slashes, 0), restatementPlace(0, slashes))
      const codes = order === 'total first' ? [...chain.block(total).txResults, ...chain.block(restatement).txResults] : [...chain.block(restatement).txResults, ...chain.block(total).txResults]
      return { order, codes: codes.map((r) => r.code), shares: shares(chain) }
    })
    expect(results).toEqual([
      { order: 'total first', codes: [StakingTxCode.ok, StakingTxCode.ok], shares: 1045n },
      { order: 'restatement first', codes: [StakingTxCode.ok, StakingTxCode.outdated], shares: 1045n },
    ])
  })

  test('a restatement restates only the LST totals the slash cut, never native stake (the chain cut that itself, and deltas cannot be undone by an older one)', () => {
    const chain = new ChainDriver(genesisOf([10, 10]))
    const genesis = stakeViewOf(chain.state)
    const slashes: MirroredSlash[] = [{ beforeStep: 1, pubKey: operator, fraction: 50_000n }]
    expect(restatedTotals(genesis, steps, slashes, 0)).toEqual([{ type: 'staking.sync-lst', operator, strategy: 'stETH', shares: '950' }])
    // Before any LST, a slash leaves nothing to restate.
    expect(restatedTotals(genesis, steps, [{ ...slashes[0]!, beforeStep: 0 }], 0)).toEqual([])
  })
})
