/**
 * Dual-staked DPoS for the Chainbase chain: the `staking` application (application.ts),
 * its parameters, transactions and the stake aggregator's pure logic.
 */
export { createStakingApp } from './application.ts'
export { defaultStakingParams, StakingParamsSchema } from './params.ts'
export type { StakingParams } from './params.ts'
export { StakingGenesisInput, StakingGenesisSchema, initStakingState, namedValidators, withValidatorKeys } from './genesis.ts'
export {
  CreateValidatorTx,
  DelegateTx,
  SetPriceTx,
  stakingTxSchemas,
  SyncLstTx,
  UndelegateTx,
  UnjailTx,
} from './txSchemas.ts'
export type { StakingTx, StakingTxInput, StakingTxType } from './txSchemas.ts'
export { decodeStakingTx, StakingTxCode } from './decodeTx.ts'
export type { LstPosition, SigningInfo, StakingState, UnbondingEntry, ValidatorRecord } from './state.ts'
export { JAILED_FOREVER } from './state.ts'
export { lstUnits, nativeStake, stakeUnits, votingPower } from './units.ts'
export { powersOf, selectActiveSet, validatorUpdatesBetween } from './activeSet.ts'
export { stakingAppHash } from './appHash.ts'
export type { SlashReason, StakingEvent } from './slashValidator.ts'
export { NATIVE_ASSET, PPM, PRICE_DECIMALS, PRICE_ONE } from './ratios.ts'
export { applySlash, diffToTxs, stakeViewOf, viewPowers } from './aggregator.ts'
export type { OperatorView, StakeView } from './aggregator.ts'
export { toSendAgain } from './aggregatorResend.ts'
export { restatedTotals, restatementPlace, stepPlace } from './aggregatorHistory.ts'
export { totalKey } from './totalOrder.ts'
export { AggregatorScriptSchema, AggregatorScriptStepSchema, applyScript, viewsBeforeSteps } from './aggregatorScript.ts'
export type { AggregatorScriptStep, MirroredSlash } from './aggregatorScript.ts'
export { KEPT_SLASH_NOTICES, noticeBelieved, SlashNoticeSchema, slashNoticeKey, STAKING_EVENTS_TOPIC, stakingKinds } from './slashNotice.ts'
export type { SlashNotice, SlashNotices } from './slashNotice.ts'
