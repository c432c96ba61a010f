import { Schema } from 'effect'
import type { StakeAggregatorParams } from '../actors/stakeAggregator/stakeAggregatorActor.ts'
import { VALIDATOR_ROLE, type ValidatorParams } from '../actors/validator/params.ts'
import { namedValidators, StakingGenesisSchema } from '../protocols/staking/index.ts'
import { formatDuration } from '../runtime/time.ts'
import type { Problem } from '../scenario/errors.ts'
import { nodeIdRange } from '../scenario/load.ts'
import type { CrossRoleRule } from '../scenario/vocabulary.ts'

const aggregatorParam = (name: string) => ['roles', 'stake-aggregator', 'params', name]

/**
 * A stake aggregator must sign for the validators' chain, and its transactions must be
 * allowed to live as long as it says they do: else every stake change it sends is
 * refused, and the run shows only stake that never moves.
 */
export const stakeAggregatorFitsChain: CrossRoleRule = (params) => {
  const aggregator = params.get('stake-aggregator') as StakeAggregatorParams | undefined
  const validator = params.get('validator') as ValidatorParams | undefined
  if (aggregator === undefined || validator === undefined) return []
  const problems: Problem[] = []
  if (aggregator.chainId !== validator.chainId) {
    problems.push({
      path: aggregatorParam('chainId'),
      problem: `"${aggregator.chainId}" is not the validators' chainId "${validator.chainId}"`,
      hint: 'the validators would refuse every transaction it signs: give both roles the same chainId',
    })
  }
  // Already checked by the validator's own schema, so decoding cannot fail here.
  const { maxTxTimeout } = Schema.decodeUnknownSync(StakingGenesisSchema)(validator.staking).params
  if (aggregator.txTimeout > maxTxTimeout) {
    problems.push({
      path: aggregatorParam('txTimeout'),
      problem: `${formatDuration(aggregator.txTimeout)} is longer than the chain's maxTxTimeout, ${formatDuration(maxTxTimeout)}`,
      hint: 'blocks would leave out every transaction it sends: lower txTimeout, or raise the validators\' staking.params.maxTxTimeout',
    })
  }
  return problems
}

/**
 * Genesis stakes may name their validator by node name (see namedValidators): a name that
 * is no validator node of the scenario would stop genesis, and every validator with it.
 */
export const genesisStakesNameValidators: CrossRoleRule = (params, nodes) => {
  const validator = params.get(VALIDATOR_ROLE) as ValidatorParams | undefined
  if (validator === undefined) return []
  const validators = nodes.filter((node) => node.role === VALIDATOR_ROLE).map((node) => node.id)
  const hint = validators.length === 0 ? 'the scenario has no validator nodes' : `name one of ${nodeIdRange(VALIDATOR_ROLE, validators.length)}, or give a validator's public key`
  return namedValidators(validator.staking)
    .filter(({ name }) => !validators.includes(name))
    .map(({ at, name }) => ({ path: ['roles', VALIDATOR_ROLE, 'params', 'staking', ...at], problem: `"${name}" is no validator node of this scenario`, hint }))
}

export const crossRoleRules: readonly CrossRoleRule[] = [stakeAggregatorFitsChain, genesisStakesNameValidators]
