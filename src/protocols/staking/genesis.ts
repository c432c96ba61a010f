import { Effect, Either, ParseResult, Schema } from 'effect'
import type { Genesis } from '../chain/application.ts'
import { decodeStakingTx, StakingTxCode } from './decodeTx.ts'
import { deliverTx } from './deliverTx.ts'
import { PubKeyHex } from './fieldSchemas.ts'
import { defaultStakingParams, StakingParamsSchema } from './params.ts'
import { schemaProblems } from './schemaProblems.ts'
import { newValidatorRecord, type StakingState, type ValidatorRecord } from './state.ts'

/**
 * `genesis.app.staking`: params, plus stake beyond the genesis validators' own.
 * `stakes` entries are delegations ({validator, delegator?, amount}; no delegator =
 * self-stake) and `lstShares` entries are relayer syncs ({operator, strategy, shares,
 * delegators?}); both go through the same checks as the `staking.delegate` and
 * `staking.sync-lst` transactions. A scenario may name their validator by node name
 * (see `namedValidators`).
 */
export const StakingGenesisSchema = Schema.Struct({
  params: Schema.optionalWith(StakingParamsSchema, { exact: true, default: () => defaultStakingParams }),
  stakes: Schema.optionalWith(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), { exact: true, default: () => [] }),
  lstShares: Schema.optionalWith(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), { exact: true, default: () => [] }),
})

type StakingGenesis = typeof StakingGenesisSchema.Type

/** The genesis stakes and LST shares as the transactions they go through, each with where it is written. */
const genesisTxs = (stakes: StakingGenesis['stakes'], lstShares: StakingGenesis['lstShares']): [string, unknown][] => [
  ...stakes.map((stake, i): [string, unknown] => [`stakes[${i}]`, { delegator: stake['validator'], ...stake, type: 'staking.delegate' }]),
  ...lstShares.map((sync, i): [string, unknown] => [`lstShares[${i}]`, { ...sync, type: 'staking.sync-lst' }]),
]

const RawGenesis = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Where genesis stakes name the validator they go to. */
const VALIDATOR_FIELDS = [
  ['stakes', 'validator'],
  ['lstShares', 'operator'],
] as const

const isPubKey = Schema.is(PubKeyHex)

/** A validator a genesis stake names by node name rather than by key, and where: [list, index, field]. */
export interface NamedValidator {
  readonly at: readonly [string, number, string]
  readonly name: string
}

/**
 * The validators `staking`'s genesis stakes name by node name. A scenario cannot know the
 * keys of simulated nodes (they come from the seed), so it names validators by node
 * name, which only the running network can resolve (`withValidatorKeys`). What is not a
 * string is left for the schema to refuse.
 */
export const namedValidators = (staking: Readonly<Record<string, unknown>>): NamedValidator[] =>
  VALIDATOR_FIELDS.flatMap(([list, field]) => {
    const entries = staking[list]
    if (!Array.isArray(entries)) return []
    return entries.flatMap((entry: unknown, i): NamedValidator[] => {
      const named = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[field] : undefined
      return typeof named !== 'string' || isPubKey(named) ? [] : [{ at: [list, i, field], name: named }]
    })
  })

/** `staking` with each validator named by node name given by its key, `keyOf(name)`; throws on a name `keyOf` does not know. */
export const withValidatorKeys = (staking: Readonly<Record<string, unknown>>, keyOf: (name: string) => string | undefined): Record<string, unknown> => {
  const resolved: Record<string, unknown> = { ...staking }
  for (const { at, name } of namedValidators(staking)) {
    const [list, i, field] = at
    const key = keyOf(name)
    if (key === undefined) throw new Error(`genesis.app.staking ${list}[${i}].${field}: "${name}" is neither a validator node nor a public key`)
    const entries = [...(resolved[list] as unknown[])]
    entries[i] = { ...(entries[i] as object), [field]: key }
    resolved[list] = entries
  }
  return resolved
}

/** What a node name stands for when the scenario loads, before any key exists: any well-formed key. */
const PLACEHOLDER_KEY = '00'.repeat(32)

/**
 * `genesis.app.staking` as a scenario writes it (the validator role's `staking` param):
 * checked when the scenario loads — params, and each stake and LST share against its
 * transaction's schema — and kept as written, for genesis to decode. A mistake is then
 * an error that names the field, not validators that fail at every start. Node names
 * are checked against the scenario's nodes apart (src/catalog/crossRoleRules.ts); what
 * only the chain can tell (a stake for a key that is no validator) is left to genesis.
 */
export const StakingGenesisInput = Schema.transformOrFail(RawGenesis, RawGenesis, {
  strict: true,
  decode: (raw, options, ast) =>
    ParseResult.decodeUnknown(StakingGenesisSchema)(withValidatorKeys(raw, () => PLACEHOLDER_KEY), options).pipe(
      Effect.flatMap(({ stakes, lstShares }) => {
        for (const [where, tx] of genesisTxs(stakes, lstShares)) {
          const decoded = decodeStakingTx(tx)
          if (Either.isLeft(decoded)) return ParseResult.fail(new ParseResult.Type(ast, raw, `${where}: ${decoded.left.log}`))
        }
        return ParseResult.succeed(raw)
      }),
    ),
  encode: ParseResult.succeed,
})

/**
 * The state at genesis: each genesis validator self-stakes `power × powerReduction`, then
 * the extra stakes and LST shares apply. The last set sent to consensus is the genesis
 * set itself (consensus starts from it), so the first block's updates carry whatever
 * the extra stake changed. Throws on an unusable genesis: a chain must not start from one.
 */
export const initStakingState = (genesis: Genesis): StakingState => {
  const decoded = Schema.decodeUnknownEither(StakingGenesisSchema)(genesis.app['staking'] ?? {})
  if (Either.isLeft(decoded)) throw new Error(`genesis.app.staking: ${schemaProblems(decoded.left)}`)
  const { params, stakes, lstShares } = decoded.right
  const validators = new Map<string, ValidatorRecord>()
  for (const { pubKey, name, power } of genesis.validators) {
    if (validators.has(pubKey)) throw new Error(`genesis: validator ${name} repeats public key ${pubKey}`)
    validators.set(pubKey, newValidatorRecord(power * params.powerReduction))
  }
  const initial: StakingState = {
    chainId: genesis.chainId,
    params,
    validators,
    prices: params.initialPrices,
    unbonding: [],
    lastValidatorSet: new Map(genesis.validators.filter(({ power }) => power > 0n).map(({ pubKey, power }) => [pubKey, power])),
    lastBlockTime: genesis.time,
    recentTxs: new Map(),
    totalsAsOf: new Map(),
  }
  let state = initial
  for (const [where, tx] of genesisTxs(stakes, lstShares)) {
    const decodedTx = decodeStakingTx(tx)
    const delivered = Either.isRight(decodedTx) ? deliverTx(state, decodedTx.right, { height: 0, time: genesis.time }) : { state, result: decodedTx.left }
    if (delivered.result.code !== StakingTxCode.ok) throw new Error(`genesis.app.staking ${where}: ${delivered.result.log}`)
    state = delivered.state
  }
  return state
}
