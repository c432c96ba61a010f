/**
 * Tendermint consensus for the Chainbase chain (CometBFT-style; reference/chainbase.md §3):
 * the pure core of the `validator` role. The host (the validator actor) owns signing,
 * storage, the network, the mempool and the application; this protocol decides.
 *
 * ## Contract between the machine and its host
 *
 * Events the host sends (each with `now`, the node's clock in µs):
 * - `tendermint.new-height {height, validators}` — starts the machine, and after each
 *   commit starts the next height once the host has applied the block (FinalizeBlock,
 *   Commit). `validators` is that height's set with priorities and round-0 proposer: the
 *   genesis set from `newValidatorSet`, then each height's `nextHeightValidatorSet`
 *   (application updates of height H take effect at H + 2, as in CometBFT). A height
 *   above the current one abandons the current height (catch-up); others are ignored.
 *   `firstRound` (default 0): after a restart, the last round the durable sign state
 *   shows this node signed in at that height. `lock`: after a restart, the last
 *   lock this node persisted (see below and lock.ts).
 * - `tendermint.vote` — a `SignedVote` whose schema and signature the host checked
 *   (ed25519 over the canonical encoding of `voteSignDocument(chainId, vote)`, with the
 *   key of `validatorAddress`). Also this node's own votes: the host feeds back what it
 *   signed, so the machine counts only votes that were really signed and sent — after a
 *   restart, also those it had signed at that height before. Where
 *   vote extensions are enabled (`extensionsEnabled`), a precommit for a block carries
 *   one: the host adds this node's (ABCI ExtendVote, signed over
 *   `voteExtensionSignDocument`) and feeds a peer's precommit only once
 *   `extensionPresenceProblem` finds nothing, its extension signature verifies and ABCI
 *   VerifyVoteExtension accepts it (on the state it extended). The machine keeps votes as
 *   they came, so the commit and the next height's lastCommit carry the extensions.
 * - `tendermint.votes {votes, quiet?}` — votes as above, counted in order as that many
 *   `tendermint.vote` events. A host may count quiet votes ahead with `countQuietly`
 *   while the machine is in a round or has decided, and must then send them (with the
 *   `quiet` it counted) before any other event; see quietVotes.ts.
 * - `tendermint.proposal` — a `SignedProposal`, signature checked against
 *   `proposerAddress`, plus `valid` (the block decodes, hashes to `blockId`, passes the
 *   header checks and ABCI ProcessProposal) and `blockTime` (its header time). The
 *   node's own proposal comes back this way too.
 * - `tendermint.proposal-value {height, round, value}` — the answer to `need-proposal`.
 * - `timer {name, data}` — a timer the machine set has fired.
 *
 * Effects the machine emits (XState `emit`; listen with `actor.on('*', …)`), in order:
 * - `publish` on topic `consensus`, kind `tendermint.proposal` or `tendermint.vote`, body
 *   the UNSIGNED `Proposal`/`Vote`. The host builds the sign-document
 *   (`proposalSignDocument` / `voteSignDocument`), encodes it canonically, digests it, asks
 *   `checkSign(lastSignState, height, round, step, digest)` (step `proposal`, `prevote`
 *   or `precommit`), persists the returned state WITH sync, signs, publishes the body
 *   with `sig`, and feeds the signed message back as an event. A refused check means
 *   this node must not sign: drop the message and log it.
 * - `persist` `LOCK_KEY` `{height, round, value}` — this node locked on a block (L36),
 *   just before the precommit for it: keep it (replacing the last), durable with the
 *   precommit's sign-state sync, and hand it back in `new-height` after a restart.
 * - `setTimer` / `cancelTimer` — names in `TIMER`, `after` in µs, data `{height, round}`.
 * - `report` `tendermint.round {height, round, proposer}` — a round started.
 * - `report` `tendermint.need-proposal {height, round, lastCommit}` — this node proposes
 *   and has no valid value: run PrepareProposal on top of `lastCommit` (the previous
 *   height's precommits, validator-index order, with their extensions: the ABCI
 *   local_last_commit; the block's LastCommit holds them `withoutExtension`) and answer
 *   `tendermint.proposal-value`.
 * - `report` `tendermint.vote-signed {height, round, type, blockId}` — the vote this node
 *   asks to be signed (next to its `publish`).
 * - `report` `tendermint.commit {height, round, blockId, block, blockTime, commit}` — the
 *   decision; `commit` is the +2/3 precommits for it. Apply the block, then send
 *   `tendermint.new-height`.
 * - `report` `tendermint.evidence` — a `DuplicateVoteEvidence` for the evidence pool.
 * - `count` `tendermint.votes.unknown-validator`, `tendermint.votes.unwanted-round`,
 *   `tendermint.proposals.wrong-proposer`, `tendermint.proposals.bad-pol-round`,
 *   `tendermint.proposals.unwanted-round` — inputs dropped.
 *
 * The machine keeps no log of its own: after a restart the host starts it again at the
 * height it knows, in the last round it signed in, locked as it was, feeds back the votes
 * it had signed at that height, and the durable sign state keeps it from contradicting
 * what it signed.
 */

export { MIN_TIME_STEP, medianTime, voteTimestamp, weightedMedian, type WeightedTime } from './bftTime.ts'
export type { ConsensusConfig, ConsensusContext, ConsensusInput, Decision, ReceivedProposal } from './consensusContext.ts'
export {
  TIMER,
  type ConsensusEvent,
  type NewHeightEvent,
  type ProposalEvent,
  type ProposalValue,
  type ProposalValueEvent,
  type VoteEvent,
  type VotesEvent,
} from './consensusEvents.ts'
export { duplicateVoteEvidence, type DuplicateVoteEvidence } from './evidence.ts'
export { newValidatorSet, nextHeightValidatorSet } from './heightValidators.ts'
export { ConsensusLockSchema, LOCK_KEY, type ConsensusLock } from './lock.ts'
export { tendermintMachine, type TendermintMachine } from './machine.ts'
export { MAX_VOTE_EXTENSION_BYTES, SignedProposal, SignedVote, tendermintKinds, VoteType, type Proposal, type Vote } from './messages.ts'
export { checkSign, INITIAL_SIGN_STATE, type LastSignState, type SignCheck, type SignStep } from './privval.ts'
export { incrementProposerPriority, proposerOf, proposerSchedule, scheduleThrough, type ProposerSchedule } from './proposerSelection.ts'
export { countQuietly, noQuietVotes, quietVotesInOrder, type QuietVotes } from './quietVotes.ts'
export { CONSENSUS_TOPIC } from './roundSteps.ts'
export {
  proposalSignDocument,
  voteExtensionSignDocument,
  voteSignDocument,
  type ProposalSignDocument,
  type VoteExtensionSignDocument,
  type VoteSignDocument,
} from './signDocuments.ts'
export { DEFAULT_TIMEOUTS, timeoutPrecommit, timeoutPrevote, timeoutPropose, type TimeoutConfig } from './timeouts.ts'
export {
  EMPTY_VALIDATOR_SET,
  MAX_TOTAL_VOTING_POWER,
  updateWithChangeSet,
  validatorIndex,
  validatorSetOf,
  ValidatorSetError,
  type Validator,
  type ValidatorSet,
  type ValidatorUpdate,
} from './validatorSet.ts'
export { extensionPresenceProblem, extensionsEnabled, extensionWanted, withoutExtension } from './voteExtensions.ts'
export {
  addVote,
  emptyVoteSet,
  hasOneThirdAny,
  hasTwoThirdsAny,
  quorum,
  twoThirdsMajority,
  votesInIndexOrder,
  type AddVoteResult,
  type VoteSet,
} from './voteSet.ts'
