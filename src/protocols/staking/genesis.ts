import { Either, Schema } from 'effect'
import type { Genesis } from '../chain/application.ts'
import { decodeStakingTx, StakingTxCode } from './decodeTx.ts'
import { deliverTx } from './deliverTx.ts'
import { defaultStakingParams, StakingParamsSchema } from './params.ts'
import { schemaProblems } from './schemaProblems.ts'
import { newValidatorRecord, type StakingState, type ValidatorRecord } from './state.ts'

/**
 * `genesis.app.staking`: params, plus stake beyond the genesis validators' own.
 * `stakes` entries are delegations ({validator, delegator?, amount}; no delegator =
 * self-stake) and `lstShares` entries are relayer syncs ({operator, strategy, shares,
 * delegators?}); both go through the same checks as the `staking.delegate` and
 * `staking.sync-lst` transactions.
 */
export const StakingGenesisSchema = Schema.Struct({
  params: Schema.optionalWith(StakingParamsSchema, { exact: true, default: () => defaultStakingParams }),
  stakes: Schema.optionalWith(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), { exact: true, default: () => [] }),
  lstShares: Schema.optionalWith(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), { exact: true, default: () => [] }),
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
  const extra: [string, unknown][] = [
    ...stakes.map((stake, i): [string, unknown] => [`stakes[${i}]`, { delegator: stake['validator'], ...stake, type: 'staking.delegate' }]),
    ...lstShares.map((sync, i): [string, unknown] => [`lstShares[${i}]`, { ...sync, type: 'staking.sync-lst' }]),
  ]
  let state = initial
  for (const [where, tx] of extra) {
    const decodedTx = decodeStakingTx(tx)
    const delivered = Either.isRight(decodedTx) ? deliverTx(state, decodedTx.right, { height: 0, time: genesis.time }) : { state, result: decodedTx.left }
    if (delivered.result.code !== StakingTxCode.ok) throw new Error(`genesis.app.staking ${where}: ${delivered.result.log}`)
    state = delivered.state
  }
  return state
}
