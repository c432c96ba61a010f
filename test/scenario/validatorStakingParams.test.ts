import { Either } from 'effect'
import { describe, expect, it } from 'vitest'
import { scenarioVocabulary } from '../../src/catalog/index.ts'
import { parseScenario } from '../../src/scenario/load.ts'

/** A scenario of four validators with `staking` as their staking param (YAML flow). */
const withStaking = (staking: string) =>
  parseScenario(['name: s', 'duration: 1s', 'roles:', '  validator:', '    count: 4', `    params: { staking: ${staking} }`].join('\n'), 'staking.yaml', scenarioVocabulary)

const problem = (staking: string) => {
  const parsed = withStaking(staking)
  if (Either.isRight(parsed)) throw new Error('the scenario loaded')
  return parsed.left.message
}

// Before, a mistake here loaded and then failed the staking application's genesis at
// every start of every validator: a run of restarts, with the reason nowhere on screen.
describe("the validators' staking params are checked when the scenario loads", () => {
  it('a wrong value is an error at its line that names the field', () => {
    expect(problem('{ params: { slashFractionDoubleSign: lots } }')).toBe(
      'staking.yaml:6:36: roles.validator.params.staking.params.slashFractionDoubleSign: expected number, got "lots"',
    )
  })

  it('a misspelt param is an unknown key, with the one meant', () => {
    expect(problem('{ params: { slashFractionDubleSign: 0.1 } }')).toMatch(/staking\.params\.slashFractionDubleSign: unknown key — did you mean 'slashFractionDoubleSign'\?$/)
  })

  it('a genesis stake is checked as the transaction it becomes', () => {
    expect(problem('{ stakes: [ { validator: validator-1, amount: -5 } ] }')).toMatch(/roles\.validator\.params\.staking: stakes\[0\]: staking\.delegate: .*amount: expected an amount > 0/)
  })

  it('a genesis stake may name its validator by node name, and one that is no validator node is an error at its line', () => {
    expect(Either.isRight(withStaking('{ stakes: [ { validator: validator-1, amount: 5 } ], lstShares: [ { operator: validator-3, strategy: stETH, shares: 5 } ] }'))).toBe(true)
    expect(problem('{ lstShares: [ { operator: validator-4, strategy: stETH, shares: 5 } ] }')).toBe(
      `staking.yaml:6:41: roles.validator.params.staking.lstShares[0].operator: "validator-4" is no validator node of this scenario — name one of validator-0…validator-3, or give a validator's public key`,
    )
  })

  it('params that are right reach the validators as written', () => {
    const parsed = withStaking('{ params: { slashFractionDoubleSign: 0.1, unbondingTime: 30s } }')
    expect((Either.getOrThrow(parsed).nodes[0]!.params as Record<string, unknown>)['staking']).toEqual({ params: { slashFractionDoubleSign: 0.1, unbondingTime: '30s' } })
  })
})
