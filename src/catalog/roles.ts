import { MembershipParamsSchema } from '../protocols/membership/index.ts'
import { memberActor } from '../actors/member/memberActor.ts'
import { StakeAggregatorParamsSchema, stakeAggregatorActor } from '../actors/stakeAggregator/stakeAggregatorActor.ts'
import { ValidatorParamsSchema } from '../actors/validator/params.ts'
import { validatorActor } from '../actors/validator/validatorActor.ts'
import { defineRole, type RoleDefinition } from './definitions.ts'

export const memberRole = defineRole({
  role: 'member',
  describe: 'runs membership (SWIM failure detection) and answers echo requests',
  params: MembershipParamsSchema,
  actors: (id, params) => [{ id, def: memberActor(params) }],
})

export const validatorRole = defineRole({
  role: 'validator',
  describe: 'a Chainbase consensus validator: Tendermint BFT with dual-staked DPoS, key-value and staking applications',
  params: ValidatorParamsSchema,
  actors: (id, params) => [{ id, def: validatorActor(params) }],
})

export const stakeAggregatorRole = defineRole({
  role: 'stake-aggregator',
  describe: 'syncs native $C stakes, restaked LST shares and oracle prices to the chain as staking transactions',
  params: StakeAggregatorParamsSchema,
  actors: (id, params) => [{ id, def: stakeAggregatorActor(params) }],
})

export const roles: Readonly<Record<string, RoleDefinition>> = { member: memberRole, validator: validatorRole, 'stake-aggregator': stakeAggregatorRole }
