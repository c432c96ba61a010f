import { describe, expect, it } from 'vitest'
import { namedValidators, withValidatorKeys } from '../../../src/protocols/staking/index.ts'
import { key } from './fixtures.ts'

const staking = {
  params: { maxValidators: 3 },
  stakes: [
    { validator: 'validator-1', delegator: 'bob', amount: '5' },
    { validator: key(2), amount: '7' },
  ],
  lstShares: [{ operator: 'validator-2', strategy: 'stETH', shares: '9' }],
}

describe('genesis stakes that name validators by node name', () => {
  it('are found, with where each name is written; keys are not names', () => {
    expect(namedValidators(staking)).toEqual([
      { at: ['stakes', 0, 'validator'], name: 'validator-1' },
      { at: ['lstShares', 0, 'operator'], name: 'validator-2' },
    ])
  })

  it('get their keys, and nothing else changes', () => {
    const keys = new Map([
      ['validator-1', key(1)],
      ['validator-2', key(2)],
    ])
    expect(withValidatorKeys(staking, (name) => keys.get(name))).toEqual({
      params: { maxValidators: 3 },
      stakes: [
        { validator: key(1), delegator: 'bob', amount: '5' },
        { validator: key(2), amount: '7' },
      ],
      lstShares: [{ operator: key(2), strategy: 'stETH', shares: '9' }],
    })
    expect(staking.stakes[0]!.validator).toBe('validator-1')
  })

  it('stop genesis, saying where, when a name is no validator node', () => {
    expect(() => withValidatorKeys(staking, (name) => (name === 'validator-1' ? key(1) : undefined))).toThrow(
      'genesis.app.staking lstShares[0].operator: "validator-2" is neither a validator node nor a public key',
    )
  })
})
