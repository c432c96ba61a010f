import { Schema } from 'effect'
import { Amount, Identifier, PositiveAmount, PubKeyHex } from './fieldSchemas.ts'
import { NATIVE_ASSET } from './ratios.ts'
import { sumAmounts } from './sortedMaps.ts'

/** The observation a total states, in its sender's own increasing order (see totalOrder.ts). */
const AsOf = Schema.optionalWith(Schema.NonNegativeInt, { exact: true })

/**
 * The staking transactions. Amounts, shares and prices are integers in base units (fixed
 * point for prices) given as bigint, safe-integer number or decimal string; the stake
 * aggregator sends decimal strings (see fieldSchemas.ts). Who may send which is
 * authorize.ts's business, from the `signer` and `sig` the transaction carries.
 * Totals (sync-lst, set-price) carry `asOf`, the observation they state, so that an
 * older one landing late cannot replace a newer one (see totalOrder.ts).
 * Fields beyond a schema's are ignored, so a sender can add a `nonce` to keep two equal
 * transactions (the same delegation twice) apart in the mempool, which drops repeats.
 */

/** Registers a validator (operator) under its consensus key, with optional native self-stake. */
export const CreateValidatorTx = Schema.Struct({
  type: Schema.Literal('staking.create-validator'),
  pubKey: PubKeyHex,
  selfStake: Amount,
})

/** Bonds native $C to a validator; a delegator equal to the validator's key adds self-stake. */
export const DelegateTx = Schema.Struct({
  type: Schema.Literal('staking.delegate'),
  validator: PubKeyHex,
  delegator: Identifier,
  amount: PositiveAmount,
})

/** Starts unbonding: the amount stops counting at once and is released after `unbondingTime`. */
export const UndelegateTx = Schema.Struct({
  type: Schema.Literal('staking.undelegate'),
  validator: PubKeyHex,
  delegator: Identifier,
  amount: PositiveAmount,
})

/**
 * The relayer's sync of an EigenLayer operator's shares in one strategy: replaces the
 * total (0 removes it), optionally with the per-restaker breakdown, which must sum to it.
 */
export const SyncLstTx = Schema.Struct({
  type: Schema.Literal('staking.sync-lst'),
  operator: PubKeyHex,
  strategy: Identifier.pipe(Schema.filter((name) => name !== NATIVE_ASSET || `strategy may not be "${NATIVE_ASSET}", the native token`)),
  shares: Amount,
  delegators: Schema.optionalWith(Schema.ReadonlyMapFromRecord({ key: Identifier, value: Amount }), { exact: true }),
  asOf: AsOf,
}).pipe(
  Schema.filter(
    (tx) => tx.delegators === undefined || sumAmounts(tx.delegators) === tx.shares || `delegators sum to ${sumAmounts(tx.delegators)}, not to shares ${tx.shares}`,
  ),
)

/** An oracle price: `C` for $C, else the LST strategy's name; fixed point with PRICE_DECIMALS. */
export const SetPriceTx = Schema.Struct({
  type: Schema.Literal('staking.set-price'),
  asset: Identifier,
  price: PositiveAmount,
  asOf: AsOf,
})

/** Lets a validator jailed for downtime back in once its jail time has passed. */
export const UnjailTx = Schema.Struct({
  type: Schema.Literal('staking.unjail'),
  validator: PubKeyHex,
})

export const stakingTxSchemas = {
  'staking.create-validator': CreateValidatorTx,
  'staking.delegate': DelegateTx,
  'staking.undelegate': UndelegateTx,
  'staking.sync-lst': SyncLstTx,
  'staking.set-price': SetPriceTx,
  'staking.unjail': UnjailTx,
} as const

export type StakingTxType = keyof typeof stakingTxSchemas
export type StakingTx = Schema.Schema.Type<(typeof stakingTxSchemas)[StakingTxType]>
/** A transaction as sent (amounts may be strings). */
export type StakingTxInput = Schema.Schema.Encoded<(typeof stakingTxSchemas)[StakingTxType]>
