/**
 * The application interface of the chain, shaped like ABCI++ (CometBFT
 * spec/abci/abci++_methods.md): the validator actor calls it, consensus never does.
 * Applications are pure and deterministic: state goes in, new state comes out, so a
 * validator can persist the state it committed and a test can run an application alone.
 *
 * A transaction is a plain CBOR-able object with a `type` ("kv.set", "staking.delegate",
 * …); the application that owns the prefix validates it with its schema.
 */

export interface Tx {
  readonly type: string
  readonly [field: string]: unknown
}

/** A validator as the application sees it: its ed25519 public key (hex) and power. */
export interface ValidatorUpdate {
  readonly pubKey: string
  /** 0 removes the validator. */
  readonly power: bigint
}

export interface GenesisValidator {
  readonly pubKey: string
  /** The scenario/network name of the node that holds the key (validator-0, …). */
  readonly name: string
  readonly power: bigint
}

export interface Genesis {
  readonly chainId: string
  /** µs since the chain's epoch; block 1's time. */
  readonly time: number
  readonly validators: readonly GenesisValidator[]
  /** Per-application parameters, keyed by application name. */
  readonly app: Readonly<Record<string, unknown>>
}

/** One validator's part in the last commit (ABCI `VoteInfo`). */
export interface VoteInfo {
  readonly pubKey: string
  readonly power: bigint
  /** Whether its precommit for the block is in the commit. */
  readonly signed: boolean
}

/** One validator's part in the previous height's commit as the proposer collected it (ABCI `ExtendedVoteInfo`). */
export interface ExtendedVoteInfo extends VoteInfo {
  /** Its vote extension: empty unless `signed` at a height with vote extensions enabled. */
  readonly extension: Uint8Array
}

/** ABCI `ExtendedCommitInfo`: the round that decided, and every validator of that height in index order. */
export interface ExtendedCommitInfo {
  readonly round: number
  readonly votes: readonly ExtendedVoteInfo[]
}

/** ABCI `Misbehavior`: evidence committed in this block. */
export interface Misbehavior {
  readonly type: 'duplicate-vote'
  readonly pubKey: string
  readonly height: number
  /** Time of the block at `height` (µs). */
  readonly time: number
  readonly totalVotingPower: bigint
}

export interface BlockInfo {
  readonly height: number
  readonly time: number
  readonly proposerPubKey: string
  /** The previous height's validators and who signed its commit (empty at height 1). */
  readonly lastCommit: readonly VoteInfo[]
  readonly misbehavior: readonly Misbehavior[]
}

/** What PrepareProposal hears: the block's info, and the previous height's extended commit. */
export interface PrepareProposalInfo extends BlockInfo {
  /**
   * ABCI `local_last_commit`: the precommits this proposer collected for the previous
   * height, with their vote extensions — unlike `lastCommit`, which is the block's and
   * carries none (round 0 and no votes at height 1). The validator always passes it; it
   * is optional so that a caller holding only a BlockInfo (a tool, a test) can still
   * call an application.
   */
  readonly localLastCommit?: ExtendedCommitInfo
}

export interface TxResult {
  /** 0 = ok. */
  readonly code: number
  readonly log: string
}

export interface FinalizeResult<S> {
  readonly state: S
  readonly txResults: readonly TxResult[]
  /** Effective at height + 2 (the next height's set is already fixed). */
  readonly validatorUpdates: readonly ValidatorUpdate[]
  /** Facts worth reporting (slashes, jailings, unbondings): `{event, data}`. */
  readonly events: readonly { readonly event: string; readonly data: unknown }[]
}

export interface Application<S> {
  /** Owns the transactions whose `type` starts with `${name}.`. */
  readonly name: string
  init(genesis: Genesis): S
  /** Mempool admission: cheap, stateless-ish validity. */
  checkTx(state: S, tx: Tx): TxResult
  /** The proposer picks and orders transactions for its block (and may use the vote extensions of the previous height). */
  prepareProposal(state: S, txs: readonly Tx[], info: PrepareProposalInfo): readonly Tx[]
  /** Every validator judges a proposed block's transactions (REJECT ⇒ prevote nil). */
  processProposal(state: S, txs: readonly Tx[], info: BlockInfo): boolean
  /**
   * Data a validator attaches to its precommit for `blockId` (may differ per validator),
   * at heights with vote extensions enabled; the next proposer sees it in
   * `localLastCommit`.
   */
  extendVote(state: S, height: number, blockId: string): Uint8Array
  /** Deterministic check of a peer's extension to its precommit for the current height; REJECT drops the vote. */
  verifyVoteExtension(state: S, height: number, blockId: string, extension: Uint8Array): boolean
  finalizeBlock(state: S, txs: readonly Tx[], info: BlockInfo): FinalizeResult<S>
  /** A digest of the state, carried in the next block header. */
  appHash(state: S): string
}
