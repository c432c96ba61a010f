import { Either } from 'effect'
import type { Application, BlockInfo, FinalizeResult, Tx, TxResult } from '../chain/application.ts'
import type { VerifyTxSignature } from '../chain/txSignature.ts'
import { selectActiveSet, validatorUpdatesBetween } from './activeSet.ts'
import { stakingAppHash } from './appHash.ts'
import { unauthorized } from './authorize.ts'
import { decodeStakingTx, ok, StakingTxCode } from './decodeTx.ts'
import { deliverTx } from './deliverTx.ts'
import { punishDoubleSigns } from './doubleSign.ts'
import { punishDowntime } from './downtime.ts'
import { initStakingState } from './genesis.ts'
import { forgetExpired, rememberTx, replayProblem } from './replayProtection.ts'
import type { StakingEvent } from './slashValidator.ts'
import type { StakingState } from './state.ts'
import { outdatedTotal } from './totalOrder.ts'
import type { StakingTx } from './txSchemas.ts'
import { matureUnbondings } from './unbonding.ts'

/**
 * `tx` decoded, if it is well formed, signed by whom its type needs, neither stale nor a
 * replay at `blockTime` when signatures are required (see replayProtection.ts), and
 * no older than the total the state holds if it is one (see totalOrder.ts); else why
 * not. Mempool admission passes no block time.
 */
const admitted = (state: StakingState, tx: Tx, verify: VerifyTxSignature, blockTime: number | undefined): Either.Either<StakingTx, TxResult> =>
  Either.flatMap(decodeStakingTx(tx), (decoded) => {
    const refusal =
      unauthorized(state, decoded, tx, verify) ?? (state.params.authorities === undefined ? undefined : replayProblem(state, tx, blockTime)) ?? outdatedTotal(state, decoded)
    return refusal === undefined ? Either.right(decoded) : Either.left(refusal)
  })

/** Mempool admission: the schema, the sender, freshness and order. What the state allows is checked when the block executes. */
const checkTx = (state: StakingState, tx: Tx, verify: VerifyTxSignature, blockTime?: number): TxResult =>
  Either.match(admitted(state, tx, verify, blockTime), { onLeft: (failure) => failure, onRight: (decoded) => ok(`${decoded.type} well formed`) })

/**
 * One block, in the order of Cosmos SDK's BeginBlock / DeliverTx / EndBlock:
 * evidence and liveness first (faults of earlier heights are paid before this block's
 * undelegations can move stake), then the transactions, then matured unbondings and the
 * new active set, of which only the changes go to consensus (effective at height + 2).
 */
const finalizeBlock = (state: StakingState, txs: readonly Tx[], info: BlockInfo, verify: VerifyTxSignature): FinalizeResult<StakingState> => {
  const events: StakingEvent[] = []
  const punishedDoubleSigns = punishDoubleSigns(state, info)
  const punishedDowntime = punishDowntime(punishedDoubleSigns.state, info)
  events.push(...punishedDoubleSigns.events, ...punishedDowntime.events)
  let current = forgetExpired(punishedDowntime.state, info.time)
  const txResults: TxResult[] = []
  for (const tx of txs) {
    const decoded = admitted(current, tx, verify, info.time)
    if (Either.isLeft(decoded)) {
      txResults.push(decoded.left)
      continue
    }
    const delivered = deliverTx(current, decoded.right, info)
    // Only what executed is spent: one the state refused (an undelegation that overtook its
    // delegation) may be sent again and land once the state allows it, as it was meant to.
    const applied = delivered.result.code === StakingTxCode.ok && current.params.authorities !== undefined
    current = applied ? rememberTx(delivered.state, tx) : delivered.state
    txResults.push(delivered.result)
  }
  const matured = matureUnbondings(current, info.height, info.time)
  events.push(...matured.events)
  const activeSet = selectActiveSet(matured.state)
  const validatorUpdates = validatorUpdatesBetween(matured.state.lastValidatorSet, activeSet)
  events.push(...validatorUpdates.map(({ pubKey, power }) => ({ event: 'staking.power', data: { pubKey, power } })))
  return { state: { ...matured.state, lastValidatorSet: activeSet, lastBlockTime: info.time }, txResults, validatorUpdates, events }
}

/**
 * Dual-staked DPoS (reference §4 with Cosmos SDK x/staking + x/slashing semantics, §3.8).
 * Prices arrive as oracle transactions, so vote extensions are unused (empty). `verify`
 * checks the signatures of signed transactions (see authorize.ts).
 */
export const createStakingApp = (verify: VerifyTxSignature): Application<StakingState> => ({
  name: 'staking',
  init: initStakingState,
  checkTx: (state, tx) => checkTx(state, tx, verify),
  /** Keeps, in order, the transactions the mempool check accepts at the block's time. */
  prepareProposal: (state, txs, info) => txs.filter((tx) => checkTx(state, tx, verify, info.time).code === 0),
  /**
   * A block is acceptable when every transaction is well formed, signed as it must be,
   * fresh and in order (so a block replaying a stake change, or putting an older total
   * back, is refused); state rejections are per-transaction results.
   */
  processProposal: (state, txs, info) => txs.every((tx) => checkTx(state, tx, verify, info.time).code === 0),
  extendVote: () => new Uint8Array(0),
  verifyVoteExtension: (_state, _height, _blockId, extension) => extension.length === 0,
  finalizeBlock: (state, txs, info) => finalizeBlock(state, txs, info, verify),
  appHash: stakingAppHash,
})
