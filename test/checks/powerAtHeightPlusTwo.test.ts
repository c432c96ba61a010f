import { describe, expect, test } from 'vitest'
import { powerAtHeightPlusTwo } from '../../src/checks/consensus.ts'
import { COMMITTED, VALIDATOR_UPDATES } from '../../src/checks/consensusReports.ts'

const scope = { nodes: ['validator-0', 'validator-1'].map((id) => ({ id, role: 'validator', params: {} })) }

/** The check's verdict on a chain whose heights have these powers of validator-0, with these updates (height → new power). */
const verdict = (powersByHeight: readonly number[], updates: Readonly<Record<number, number>>) => {
  const checker = powerAtHeightPlusTwo.create({}, scope)
  powersByHeight.forEach((power, i) => {
    const height = i + 1
    const validators = [{ name: 'validator-0', power }, { name: 'validator-1', power: 10 }]
    checker.onReport!(0, 'validator-1', COMMITTED, { height, round: 0, blockId: `b${height}`, time: 0, proposer: 'validator-1', txs: 0, evidence: 0, valid: true, validators })
    const update = updates[height]
    checker.onReport!(0, 'validator-1', VALIDATOR_UPDATES, { height, updates: update === undefined ? [] : [{ name: 'validator-0', power: update }] })
  })
  return checker.result()
}

describe('consensus.power-at-h-plus-2', () => {
  test('passes updates of one validator at consecutive heights, each landing two heights later', () => {
    //                 h: 1  2  3  4  5   6
    const result = verdict([9, 9, 9, 9, 10, 11], { 3: 10, 4: 11 })
    expect(result).toMatchObject({ passed: true, summary: '2 validator-set change(s), each effective exactly at H+2' })
  })

  test('fails an update that lands a height early', () => {
    const result = verdict([9, 9, 9, 10, 10], { 3: 10 })
    expect(result.passed).toBe(false)
    expect(result.summary).toBe("validator-0's power changed from 9 to 10 at height 4 with no update to it at height 2")
  })

  test('fails an update that lands late, or not at all', () => {
    expect(verdict([9, 9, 9, 9, 9, 10], { 3: 10 }).summary).toBe('height 3 set validator-0 to power 10, but height 5 has 9')
  })

  test('fails a power change no update asked for', () => {
    expect(verdict([9, 9, 12], {}).summary).toBe("validator-0's power changed from 9 to 12 at height 3 with no update to it at height 1")
  })

  test('has nothing to judge on a chain without updates', () => {
    expect(verdict([9, 9, 9], {})).toMatchObject({ passed: true, summary: 'no validator-set change to judge' })
  })
})
