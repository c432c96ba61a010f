import { Either, Schema } from 'effect'
import type { TxResult } from '../chain/application.ts'
import { schemaProblems } from './schemaProblems.ts'
import { stakingTxSchemas, type StakingTx, type StakingTxType } from './txSchemas.ts'

/** Result codes of staking transactions (0 = applied). */
export const StakingTxCode = {
  ok: 0,
  /** Not an object with a `staking.` type this application knows. */
  unknownType: 1,
  /** Fields that do not match the type's schema. */
  malformed: 2,
  /** Well formed but not allowed by the current state (unknown validator, not enough stake, still jailed…). */
  rejected: 3,
  /** Not signed by whom its type needs (see authorize.ts). */
  unauthorized: 4,
  /** A signed stake change without a usable `expiresAt`: none, expired, or too far ahead (see replayProtection.ts). */
  timeout: 5,
  /** A signed stake change already included in a block. */
  replayed: 6,
  /** A price or an LST total older than the one the chain holds, or a signed one without `asOf` (see totalOrder.ts). */
  outdated: 7,
} as const

export const ok = (log: string): TxResult => ({ code: StakingTxCode.ok, log })
export const rejected = (log: string): TxResult => ({ code: StakingTxCode.rejected, log })

const isKnownType = (type: unknown): type is StakingTxType => typeof type === 'string' && Object.hasOwn(stakingTxSchemas, type)

/** Checks any value against the schema its `type` names; never throws. */
export const decodeStakingTx = (tx: unknown): Either.Either<StakingTx, TxResult> => {
  const type = typeof tx === 'object' && tx !== null ? (tx as { readonly type?: unknown }).type : undefined
  if (!isKnownType(type)) {
    const found = typeof type === 'string' ? `type ${JSON.stringify(type)}` : 'no string type'
    return Either.left({ code: StakingTxCode.unknownType, log: `not a staking transaction (${found}); expected one of ${Object.keys(stakingTxSchemas).join(', ')}` })
  }
  const decoded = Schema.decodeUnknownEither(stakingTxSchemas[type] as Schema.Schema<StakingTx, unknown>, { errors: 'all' })(tx)
  return Either.mapLeft(decoded, (error) => ({ code: StakingTxCode.malformed, log: `${type}: ${schemaProblems(error)}` }))
}

