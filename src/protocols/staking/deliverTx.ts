import type { TxResult } from '../chain/application.ts'
import { ok, rejected } from './decodeTx.ts'
import { NATIVE_ASSET } from './ratios.ts'
import { sortedEntries, withAmount, withEntry } from './sortedMaps.ts'
import { newValidatorRecord, type StakingState, type UnbondingEntry, type ValidatorRecord, withValidator } from './state.ts'
import { withTotalAsOf } from './totalOrder.ts'
import type { CreateValidatorTx, DelegateTx, SetPriceTx, StakingTx, SyncLstTx, UndelegateTx, UnjailTx } from './txSchemas.ts'

/** Where in the chain a transaction executes. */
export interface TxContext {
  readonly height: number
  readonly time: number
}

export interface Delivered {
  readonly state: StakingState
  readonly result: TxResult
}

const unchanged = (state: StakingState, log: string): Delivered => ({ state, result: rejected(log) })

/** Applies one decoded transaction; a transaction the state does not allow changes nothing. */
export const deliverTx = (state: StakingState, tx: StakingTx, context: TxContext): Delivered => {
  switch (tx.type) {
    case 'staking.create-validator':
      return createValidator(state, tx)
    case 'staking.delegate':
      return delegate(state, tx)
    case 'staking.undelegate':
      return undelegate(state, tx, context)
    case 'staking.sync-lst':
      return syncLst(state, tx)
    case 'staking.set-price':
      return setPrice(state, tx)
    case 'staking.unjail':
      return unjail(state, tx, context)
  }
}

const short = (pubKey: string): string => (pubKey.length > 12 ? `${pubKey.slice(0, 12)}…` : pubKey)

const createValidator = (state: StakingState, tx: typeof CreateValidatorTx.Type): Delivered => {
  if (state.validators.has(tx.pubKey)) return unchanged(state, `create-validator: ${short(tx.pubKey)} already exists`)
  return { state: withValidator(state, tx.pubKey, newValidatorRecord(tx.selfStake)), result: ok(`validator ${short(tx.pubKey)} created`) }
}

/** The delegator's bonded amount: the self-stake when it is the operator's own key. */
const bondedBy = (record: ValidatorRecord, validator: string, delegator: string): bigint =>
  delegator === validator ? record.selfStake : (record.delegations.get(delegator) ?? 0n)

const withBonded = (record: ValidatorRecord, validator: string, delegator: string, amount: bigint): ValidatorRecord =>
  delegator === validator ? { ...record, selfStake: amount } : { ...record, delegations: withAmount(record.delegations, delegator, amount) }

const delegate = (state: StakingState, tx: typeof DelegateTx.Type): Delivered => {
  const record = state.validators.get(tx.validator)
  if (record === undefined) return unchanged(state, `delegate: no validator ${short(tx.validator)}`)
  const bonded = bondedBy(record, tx.validator, tx.delegator) + tx.amount
  return {
    state: withValidator(state, tx.validator, withBonded(record, tx.validator, tx.delegator, bonded)),
    result: ok(`${tx.delegator} has ${bonded} bonded to ${short(tx.validator)}`),
  }
}

const undelegate = (state: StakingState, tx: typeof UndelegateTx.Type, context: TxContext): Delivered => {
  const record = state.validators.get(tx.validator)
  if (record === undefined) return unchanged(state, `undelegate: no validator ${short(tx.validator)}`)
  const bonded = bondedBy(record, tx.validator, tx.delegator)
  if (bonded < tx.amount) return unchanged(state, `undelegate: ${tx.delegator} has ${bonded} bonded to ${short(tx.validator)}, cannot undelegate ${tx.amount}`)
  const entry: UnbondingEntry = {
    validator: tx.validator,
    delegator: tx.delegator,
    amount: tx.amount,
    creationHeight: context.height,
    completionTime: context.time + state.params.unbondingTime,
  }
  const next = withValidator(state, tx.validator, withBonded(record, tx.validator, tx.delegator, bonded - tx.amount))
  return {
    state: { ...next, unbonding: queued(state.unbonding, entry) },
    result: ok(`${tx.amount} unbonding from ${short(tx.validator)} until ${entry.completionTime}`),
  }
}

/** Inserts after every entry completing no later, keeping the queue in completion order. */
const queued = (queue: readonly UnbondingEntry[], entry: UnbondingEntry): UnbondingEntry[] => {
  const at = queue.findIndex((queuedEntry) => queuedEntry.completionTime > entry.completionTime)
  return at === -1 ? [...queue, entry] : [...queue.slice(0, at), entry, ...queue.slice(at)]
}

const syncLst = (state: StakingState, tx: typeof SyncLstTx.Type): Delivered => {
  const record = state.validators.get(tx.operator)
  if (record === undefined) return unchanged(state, `sync-lst: operator ${short(tx.operator)} is no validator (create-validator first)`)
  const lstShares = new Map(record.lstShares)
  if (tx.shares === 0n) lstShares.delete(tx.strategy)
  else lstShares.set(tx.strategy, tx.delegators === undefined ? { shares: tx.shares } : { shares: tx.shares, delegators: withoutZeros(tx.delegators) })
  const unpriced = state.prices.has(tx.strategy) ? '' : ` (no ${tx.strategy} price yet: counts 0 until set-price)`
  return {
    state: withTotalAsOf(withValidator(state, tx.operator, { ...record, lstShares }), tx),
    result: ok(`${short(tx.operator)} holds ${tx.shares} ${tx.strategy} shares${unpriced}`),
  }
}

/** Zero holdings are never stored, here as everywhere. */
const withoutZeros = (amounts: ReadonlyMap<string, bigint>): ReadonlyMap<string, bigint> =>
  new Map(sortedEntries(amounts).filter(([, amount]) => amount > 0n))

const setPrice = (state: StakingState, tx: typeof SetPriceTx.Type): Delivered => ({
  state: withTotalAsOf({ ...state, prices: withEntry(state.prices, tx.asset, tx.price) }, tx),
  result: ok(`${tx.asset === NATIVE_ASSET ? '$C' : tx.asset} price ${tx.price}`),
})

const unjail = (state: StakingState, tx: typeof UnjailTx.Type, context: TxContext): Delivered => {
  const record = state.validators.get(tx.validator)
  if (record === undefined) return unchanged(state, `unjail: no validator ${short(tx.validator)}`)
  if (record.tombstoned) return unchanged(state, `unjail: ${short(tx.validator)} is tombstoned for double-signing and stays jailed forever`)
  if (record.jailedUntil === null) return unchanged(state, `unjail: ${short(tx.validator)} is not jailed`)
  if (context.time < record.jailedUntil) return unchanged(state, `unjail: ${short(tx.validator)} is jailed until ${record.jailedUntil}, now is ${context.time}`)
  return { state: withValidator(state, tx.validator, { ...record, jailedUntil: null }), result: ok(`${short(tx.validator)} unjailed`) }
}
