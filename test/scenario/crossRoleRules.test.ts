import { Either } from 'effect'
import { describe, expect, it } from 'vitest'
import { scenarioVocabulary } from '../../src/catalog/index.ts'
import { parseScenario } from '../../src/scenario/load.ts'

/** Four validators with `validator` params and a stake aggregator with `aggregator` params (YAML flow). */
const network = (validator: string, aggregator: string) =>
  parseScenario(
    ['name: s', 'duration: 1s', 'roles:', `  validator: { count: 4, params: ${validator} }`, `  stake-aggregator: { count: 1, params: ${aggregator} }`].join('\n'),
    'rules.yaml',
    scenarioVocabulary,
  )

const problem = (validator: string, aggregator: string) => {
  const parsed = network(validator, aggregator)
  return Either.isLeft(parsed) ? parsed.left.message : 'loaded'
}

describe('a stake aggregator is checked against the validators when the scenario loads', () => {
  it('it must sign for their chain', () => {
    expect(problem('{ chainId: main }', '{}')).toBe(
      `rules.yaml:5:33: roles.stake-aggregator.params.chainId: "strata-chain" is not the validators' chainId "main" — the validators would refuse every transaction it signs: give both roles the same chainId`,
    )
    expect(problem('{ chainId: main }', '{ chainId: main }')).toBe('loaded')
  })

  it("its transactions may not outlive the chain's maxTxTimeout", () => {
    expect(problem('{ staking: { params: { maxTxTimeout: 1m } } }', '{ txTimeout: 2m }')).toMatch(
      /^rules\.yaml:5:\d+: roles\.stake-aggregator\.params\.txTimeout: 120\.000s is longer than the chain's maxTxTimeout, 60\.000s — blocks would leave out/,
    )
    // The defaults fit: 5 min against 10 min.
    expect(problem('{}', '{}')).toBe('loaded')
    expect(problem('{ staking: { params: { maxTxTimeout: 2m } } }', '{ txTimeout: 2m }')).toBe('loaded')
  })

  it('alone, either role loads', () => {
    expect(Either.isRight(parseScenario(['name: s', 'duration: 1s', 'roles:', '  stake-aggregator: { count: 1, params: { chainId: x } }'].join('\n'), 'alone.yaml', scenarioVocabulary))).toBe(true)
  })
})
