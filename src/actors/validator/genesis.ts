import type { Genesis } from '../../protocols/chain/index.ts'
import { defaultStakingParams, initStakingState, stakeViewOf, withValidatorKeys, type StakeView, type StakingParams } from '../../protocols/staking/index.ts'
import type { DirectoryService, KeyService } from '../../runtime/services.ts'
import { ValidatorIdentities } from './identities.ts'
import { VALIDATOR_ROLE, type ValidatorParams } from './params.ts'

/**
 * Genesis, the same on every validator: every node of the validator role with its
 * scenario power, the chain id and the applications' params (genesis stakes may name
 * validators by node name: here they get their keys), with the network's stake
 * aggregators as the only keys that may change stake. A node of power 0 is an operator
 * without stake: outside the consensus set until stake delegated to it brings it in.
 */
export const genesisOf = (params: ValidatorParams, identities: ValidatorIdentities, stakeAuthorities: readonly string[]): Genesis => ({
  chainId: params.chainId,
  time: params.genesisTime,
  validators: identities
    .all()
    .map((v) => ({ pubKey: v.pubKey, name: v.name, power: BigInt(params.powers[v.name] ?? params.power) })),
  app: {
    staking: {
      ...withValidatorKeys(params.staking, (name) => identities.named(name)?.pubKey),
      params: { ...(params.staking['params'] as object | undefined), authorities: stakeAuthorities },
    },
  },
})

/**
 * The stake sources as the chain's genesis has them — every validator's self-stake of
 * its genesis power, the genesis delegations and LST shares — and the staking params
 * that value them, read from the validators' params, which every node of the network
 * knows (as every node of a chain knows its genesis file). Without validators: no stake,
 * the default params.
 */
export const genesisStake = (directory: DirectoryService, keys: KeyService): { readonly view: StakeView; readonly params: StakingParams } => {
  const first = directory.ofRole(VALIDATOR_ROLE)[0]
  if (first === undefined) return { view: { operators: new Map(), prices: new Map() }, params: defaultStakingParams }
  const params = directory.paramsOf(first) as ValidatorParams | undefined
  if (params === undefined) throw new Error(`${first} does not say its params: the chain's genesis stake is unknown`)
  const state = initStakingState(genesisOf(params, ValidatorIdentities.of(directory, keys, VALIDATOR_ROLE), []))
  return { view: stakeViewOf(state), params: state.params }
}
