import { Effect } from 'effect'
import { chainKinds, composeApps, EVIDENCE_TOPIC, MEMPOOL_TOPIC, type Application, type ComposedState } from '../../protocols/chain/index.ts'
import { kvApp } from '../../protocols/kvstore/index.ts'
import { createStakingApp, stakingKinds } from '../../protocols/staking/index.ts'
import { membershipKinds } from '../../protocols/membership/index.ts'
import { CONSENSUS_TOPIC, tendermintKinds } from '../../protocols/tendermint/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import { actorToolkit } from '../common/toolkit.ts'
import { STAKE_AGGREGATOR_ROLE } from '../stakeAggregator/stakeAggregatorActor.ts'
import { ChainState } from './chainState.ts'
import { genesisOf } from './genesis.ts'
import { ValidatorIdentities } from './identities.ts'
import { sharedApplication } from './sharedApplication.ts'
import { VALIDATOR_ROLE, type ValidatorParams } from './params.ts'
import { verifyTxSignature } from './txVerifier.ts'
import { CHAIN_STATUS_TOPIC, ValidatorNode } from './validatorNode.ts'

/** The chain runs two applications: key-value for load, staking for the validator set. */
const application = sharedApplication(composeApps([kvApp, createStakingApp(verifyTxSignature)]))

/** A validator of the chain; `app` is what the chain runs (the key-value and staking applications unless a test brings its own). */
export const validatorActor = (params: ValidatorParams, app: Application<ComposedState> = application): ActorDef => ({
  role: VALIDATOR_ROLE,
  params,
  kinds: { ...tendermintKinds, ...chainKinds, ...membershipKinds, ...stakingKinds },
  topics: [CONSENSUS_TOPIC, MEMPOOL_TOPIC, EVIDENCE_TOPIC, CHAIN_STATUS_TOPIC],
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const identities = ValidatorIdentities.of(tk.directory, tk.keys, VALIDATOR_ROLE)
    const stakeAuthorities = tk.directory.ofRole(STAKE_AGGREGATOR_ROLE).flatMap((name) => {
      const key = tk.keys.publicKeyOf(name)
      return key === undefined ? [] : [publicKeyHex(key)]
    })
    const chain = new ChainState(app, genesisOf(params, identities, stakeAuthorities), identities)
    const node = new ValidatorNode(tk, params, identities, chain)
    return {
      onMessage: (envelope) => node.onMessage(envelope),
      onTimer: (name, data) => node.onTimer(name, data),
      figures: () => node.figures(),
    }
  }),
})
