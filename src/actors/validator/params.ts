import { Schema } from 'effect'
import { DEFAULT_CHAIN_ID } from '../../protocols/chain/index.ts'
import { defaultMembershipParams, MembershipParamsSchema } from '../../protocols/membership/index.ts'
import { StakingGenesisInput } from '../../protocols/staking/index.ts'
import { DEFAULT_TIMEOUTS } from '../../protocols/tendermint/index.ts'
import { Duration, NonNegativeInt, PositiveInt } from '../../shared/paramSchemas.ts'

export const VALIDATOR_ROLE = 'validator'

const withDefault = <S extends Schema.Schema.Any>(schema: S, value: Schema.Schema.Type<S>) => Schema.optionalWith(schema, { default: () => value })

/** CometBFT's consensus timeouts, each overridable in a scenario ("timeout_commit may be 0"). */
const TimeoutsSchema = Schema.Struct({
  propose: withDefault(Duration, DEFAULT_TIMEOUTS.propose),
  proposeDelta: withDefault(Duration, DEFAULT_TIMEOUTS.proposeDelta),
  prevote: withDefault(Duration, DEFAULT_TIMEOUTS.prevote),
  prevoteDelta: withDefault(Duration, DEFAULT_TIMEOUTS.prevoteDelta),
  precommit: withDefault(Duration, DEFAULT_TIMEOUTS.precommit),
  precommitDelta: withDefault(Duration, DEFAULT_TIMEOUTS.precommitDelta),
  commit: withDefault(Duration, DEFAULT_TIMEOUTS.commit),
})

/**
 * What a byzantine validator does instead of following the protocol:
 * - equivocate: signs and sends two different votes for each vote it casts, to everyone
 * - silent: sends nothing at all
 * - invalid-proposals: proposes blocks that fail the header checks
 * - split-proposals: as proposer, sends different blocks to different halves of its peers
 * - fork: split-proposals and equivocate together, coordinated with the other forkers —
 *   the attack that breaks agreement once byzantine power reaches one third
 * - { delay }: holds every consensus message it sends for that long
 */
export const ByzantineBehaviour = Schema.Union(
  Schema.Literal('equivocate', 'silent', 'invalid-proposals', 'split-proposals', 'fork'),
  Schema.Struct({ delay: Duration }),
)
export type ByzantineBehaviour = typeof ByzantineBehaviour.Type

export const ValidatorParamsSchema = Schema.Struct({
  chainId: withDefault(Schema.String.pipe(Schema.minLength(1)), DEFAULT_CHAIN_ID),
  /** Genesis voting power of every validator not named in `powers`. */
  power: withDefault(PositiveInt, 10),
  powers: withDefault(Schema.Record({ key: Schema.String, value: NonNegativeInt }), {}),
  /** Genesis time of the chain (µs on the nodes' clocks). */
  genesisTime: withDefault(Duration, 0),
  timeouts: withDefault(TimeoutsSchema, DEFAULT_TIMEOUTS),
  /** Validators that misbehave, by node id. */
  byzantine: withDefault(Schema.Record({ key: Schema.String, value: ByzantineBehaviour }), {}),
  /** How often a validator re-sends its latest consensus messages and its chain status (lost messages recover). */
  gossipInterval: withDefault(Duration, 1_000_000),
  maxBlockTxs: withDefault(PositiveInt, 2_000),
  maxBlockBytes: withDefault(PositiveInt, 1_048_576),
  /** Parameters of the staking application, passed to genesis as `app.staking` (checked when the scenario loads). */
  // exact: a union with undefined would report "expected undefined" for a mistake inside
  staking: Schema.optionalWith(StakingGenesisInput, { default: () => ({}), exact: true }),
  /**
   * CometBFT's `vote_extensions_enable_height` (a feature param, the same on every
   * validator): from this height on, precommits for a block carry ABCI++ vote extensions
   * and a height's commit needs them. 0 (the default) never enables them, so a chain
   * runs exactly as without extensions.
   */
  voteExtensionsEnableHeight: withDefault(NonNegativeInt, 0),
  /** The embedded membership (SWIM) that tells which peers are alive: block sync asks those. */
  membership: withDefault(MembershipParamsSchema, defaultMembershipParams),
})
export type ValidatorParams = typeof ValidatorParamsSchema.Type
