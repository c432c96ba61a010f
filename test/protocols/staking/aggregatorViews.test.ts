import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { AggregatorScriptSchema, applyScript, diffToTxs, viewsBeforeSteps, type StakeView } from '../../../src/protocols/staking/index.ts'
import { key } from './fixtures.ts'

const operator = key(1)
const genesis: StakeView = { operators: new Map([[operator, { native: new Map(), lst: new Map() }]]), prices: new Map() }
const steps = Schema.decodeUnknownSync(AggregatorScriptSchema)([
  { at: '1s', operator, strategy: 'stETH', sharesDelta: 1_000 },
  { at: '2s', operator, strategy: 'stETH', sharesDelta: 100 },
])
const sharesSent = (views: readonly StakeView[], step: number) => diffToTxs(views[step]!, applyScript(views[step]!, steps[step]!)).map((tx) => tx['shares'])

describe('the aggregator view with slashes mirrored', () => {
  test('a slash changes the steps after it, never what an earlier step sent', () => {
    const plain = viewsBeforeSteps(genesis, steps, [])
    const slashed = viewsBeforeSteps(genesis, steps, [{ beforeStep: 1, pubKey: operator, fraction: 50_000n }])
    expect(sharesSent(slashed, 0)).toEqual(sharesSent(plain, 0))
    expect([sharesSent(plain, 1), sharesSent(slashed, 1)]).toEqual([['1100'], ['1050']])
    expect(slashed).toHaveLength(steps.length + 1)
  })

  test('a slash of an operator the view does not hold changes nothing', () => {
    expect(viewsBeforeSteps(genesis, steps, [{ beforeStep: 1, pubKey: key(9), fraction: 50_000n }])).toEqual(viewsBeforeSteps(genesis, steps, []))
  })
})
