import { Schema } from 'effect'
import type { StakeAggregatorParams } from '../actors/stakeAggregator/stakeAggregatorActor.ts'
import type { ValidatorParams } from '../actors/validator/params.ts'
import { StakingGenesisSchema } from '../protocols/staking/index.ts'
import { formatDuration } from '../runtime/time.ts'
import type { Problem } from '../scenario/errors.ts'
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

export const crossRoleRules: readonly CrossRoleRule[] = [stakeAggregatorFitsChain]
