import { describe, expect, test } from 'vitest'
import type { Tx } from '../../../src/protocols/chain/application.ts'
import { toSendAgain } from '../../../src/protocols/staking/index.ts'

const price = (asset: string, value: string): Tx => ({ type: 'staking.set-price', asset, price: value })
const sync = (operator: string, strategy: string, shares: string): Tx => ({ type: 'staking.sync-lst', operator, strategy, shares })
const delegate = (amount: string): Tx => ({ type: 'staking.delegate', validator: 'v', delegator: 'alice', amount })

describe('what the stake aggregator sends again', () => {
  test('every delta of every step: each one counts', () => {
    expect(toSendAgain([[delegate('1')], [delegate('1'), { type: 'staking.undelegate', validator: 'v', delegator: 'alice', amount: '2' }]])).toHaveLength(3)
  })

  test("a total (a price, an LST sync) only from the latest step that states it: an older one would put the older total back", () => {
    const steps = [
      [price('stETH', '1'), sync('op', 'stETH', '5'), price('rETH', '7')],
      [price('stETH', '2'), sync('op', 'rETH', '3')],
      [sync('op', 'stETH', '9'), delegate('4')],
    ]
    expect(toSendAgain(steps)).toEqual([price('rETH', '7'), price('stETH', '2'), sync('op', 'rETH', '3'), sync('op', 'stETH', '9'), delegate('4')])
  })
})
