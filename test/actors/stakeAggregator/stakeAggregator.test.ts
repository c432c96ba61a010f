import { describe, expect, it } from 'vitest'
import { check, runYaml } from '../../support/scenarioRun.ts'

/** Four validators and a stake aggregator that moves 20 $C-Stake units of native stake onto validator-1 at 1 s. */
const network = (aggregatorParams: string) =>
  [
    'name: aggregator-signs',
    'duration: 6s',
    'roles:',
    '  validator: { count: 4, params: { timeouts: { commit: 100ms } } }',
    '  stake-aggregator:',
    '    count: 1',
    `    params: { ${aggregatorParams}script: [ { at: 1s, operator: validator-1, nativeDelta: 20000000 } ] }`,
    'checks:',
    '  - { type: consensus.power-at-h-plus-2 }',
  ].join('\n')

describe('the stake aggregator', () => {
  it("signs its stake changes, which the validators' staking application takes: the power moves", () => {
    const { report } = runYaml(network(''))
    expect(check(report, 'consensus.power-at-h-plus-2').summary).toBe('1 validator-set change(s), each effective exactly at H+2')
  })

  it('signed for another chain id, changes nothing: the validators refuse it at admission', () => {
    const { report } = runYaml(network('chainId: another-chain, '))
    expect(check(report, 'consensus.power-at-h-plus-2').summary).toBe('no validator-set change to judge')
    const validators = report.roles.find((r) => r.role === 'validator')!
    expect(validators.counters['mempool.rejected']).toBeGreaterThan(0)
  })
})
