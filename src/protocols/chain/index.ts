/**
 * The chain layer of the `validator` role, around consensus (src/protocols/tendermint):
 * blocks and commits, the checks a validator runs on them, the mempool, the evidence
 * pool, block sync for catching up, the chain's wire kinds, and the composition of
 * applications behind the ABCI++-shaped interface (application.ts). All pure: signature
 * checks come in as a `VerifyVote` function, clocks as arguments.
 *
 * What the host (the validator actor) does with it, per height H:
 * - proposing: `reap` the mempool, `pendingEvidence`, `makeCommit` from the
 *   need-proposal's lastCommit, `expectedBlockTime`, `blockInfoOf` with
 *   `extendedCommitInfo` → PrepareProposal → `buildBlock` (the commit
 *   `withoutExtensions`) → `blockIdOf`;
 * - judging a proposal: `decodeBlock` → `checkBlock` → ProcessProposal (or, to reuse
 *   the verdict across rounds, `proposerProblem` and `checkBlockContents` apart);
 * - committing: FinalizeBlock with `blockInfoOf`, then `removeCommitted` + `recheck` on
 *   the mempool, `markCommitted` + `pruneEvidence` on the evidence pool;
 * - behind its peers: `chain.status` → `peerStatus`, `planRequests` → `chain.get-blocks`,
 *   `chain.blocks` → `receiveBlocks`, then `nextBlock` with `checkSyncedBlock` until
 *   waiting. `planRequests` prefers the peers membership holds alive.
 */

export type * from './application.ts'
export { composeApps, UNKNOWN_APP_CODE, type ComposedState } from './apps.ts'
export {
  blockIdOf,
  BlockHeaderSchema,
  BlockSchema,
  buildBlock,
  contentsMismatch,
  decodeBlock,
  evidenceHash,
  lastCommitHash,
  txsHash,
  validatorSetHash,
  type Block,
  type BlockHeader,
  type BlockParts,
} from './block.ts'
export { blockInfoOf, misbehaviorOf, type BlockInfoSource } from './blockInfo.ts'
export {
  advanceTo,
  DEFAULT_SYNC_CONFIG,
  initialSyncState,
  isCaughtUp,
  nextBlock,
  peerStatus,
  planRequests,
  receiveBlocks,
  removePeer,
  syncTarget,
  type BlockRequest,
  type NextBlock,
  type SyncConfig,
  type SyncedBlock,
  type SyncState,
} from './blockSync.ts'
export { expectedBlockTime } from './blockTime.ts'
export {
  checkBlock,
  checkBlockContents,
  checkSyncedBlock,
  proposerProblem,
  type BlockExpectations,
  type ChainExpectations,
  type SyncExpectations,
} from './checkBlock.ts'
export { commitInfo, CommitSchema, makeCommit, MAX_COMMIT_SIGNATURES, verifyCommit, type Commit } from './commit.ts'
export {
  commitExtensionsProblem,
  extendedCommitInfo,
  voteExtensionProblem,
  withoutExtensions,
  type ExtensionChecks,
} from './extendedCommit.ts'
export {
  checkDuplicateVoteEvidence,
  DEFAULT_EVIDENCE_PARAMS,
  DuplicateVoteEvidenceSchema,
  evidenceFacts,
  evidenceHeight,
  evidenceId,
  isExpired,
  type EvidenceContext,
  type EvidenceParams,
} from './evidence.ts'
export {
  addEvidence,
  emptyEvidencePool,
  EVIDENCE_GOSSIP_INTERVAL,
  evidenceToGossip,
  markCommitted,
  pendingEvidence,
  pruneEvidence,
  type AddEvidenceOutcome,
  type ChainTip,
  type EvidencePool,
  type PendingEvidence,
} from './evidencePool.ts'
export { DEFAULT_MEMPOOL_LIMITS, Mempool, type AddTxOutcome, type MempoolLimits } from './mempool.ts'
export {
  Blocks,
  ChainStatus,
  chainKinds,
  EVIDENCE_TOPIC,
  GetBlocks,
  MAX_BLOCKS_PER_MESSAGE,
  MEMPOOL_TOPIC,
} from './messages.ts'
export { txFacts, txHash, txPrefix, TxSchema, type TxFacts } from './tx.ts'
export { DEFAULT_CHAIN_ID, signTx, txSignBytes, txSigner, type VerifyTxSignature } from './txSignature.ts'
export { extensionSignatureValid, voteSignatureValid, type VerifyExtension, type VerifyVote } from './voteSignature.ts'
export { BigIntFromWire, WireBigInt } from './wireSchemas.ts'
