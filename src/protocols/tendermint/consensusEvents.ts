import type { MessageEvent, TimerEvent } from '../events.ts'
import type { ConsensusLock } from './lock.ts'
import type { SignedProposal, SignedVote } from './messages.ts'
import type { QuietVotes } from './quietVotes.ts'
import type { ValidatorSet } from './validatorSet.ts'

/** What the consensus machine receives from the actor hosting it (every event carries `now`, µs). */

/**
 * Starts a height: the first one starts the machine, each later one follows the host's
 * FinalizeBlock/Commit of the previous height (or a catch-up to a later height).
 * `validators` is the set of this height, with its priorities and round-0 proposer.
 */
export interface NewHeightEvent {
  readonly type: 'tendermint.new-height'
  readonly now: number
  readonly height: number
  readonly validators: ValidatorSet
  /**
   * The round to start in, 0 when absent. A validator restarting in a height it already
   * signed in starts again in the last round it signed in, from its first step: the
   * host's guard answers what it signed there with the same signatures and refuses
   * anything else, and it goes on to the steps it had not reached. (Starting in the round
   * after stalled the chain when the others needed its precommit of that round but it
   * held too little power for its later messages to make them skip a round: L55 takes
   * more than a third.)
   */
  readonly firstRound?: number
  /**
   * The lock to resume with, from the host's store (see lock.ts): the last one this node
   * persisted. One of another height is ignored.
   */
  readonly lock?: ConsensusLock | undefined
}

/** A signature-checked vote, from a peer or this node's own (the host feeds back what it signed). */
export type VoteEvent = MessageEvent<'tendermint.vote', SignedVote>

/**
 * Signature-checked votes counted in order, as that many `tendermint.vote` events: a
 * run of quiet votes the host counted ahead (`quiet`, see quietVotes.ts), possibly
 * closed by one that is not.
 */
export interface VotesEvent {
  readonly type: 'tendermint.votes'
  readonly now: number
  readonly votes: readonly SignedVote[]
  readonly quiet?: QuietVotes
}

/**
 * A signature-checked proposal, with what only the host can tell about its block:
 * `valid` is the paper's valid(v) (the block decodes, hashes to `blockId`, passes the
 * header checks and ABCI ProcessProposal), `blockTime` is its header time (µs; 0 when
 * the block cannot be decoded).
 */
export interface ProposalEvent extends MessageEvent<'tendermint.proposal', SignedProposal> {
  readonly valid: boolean
  readonly blockTime: number
  /**
   * A run of quiet votes the host held back, counted before the proposal as a
   * `tendermint.votes` event would count them. Counting quiet votes fires no rule, so
   * they may ride along instead of costing a machine step of their own (the previous
   * height's late precommits are usually waiting when a proposal arrives).
   */
  readonly heldVotes?: Pick<VotesEvent, 'votes' | 'quiet'>
}

/** A block this node proposes: the encoded block, its id and header time. */
export interface ProposalValue {
  readonly blockId: string
  readonly block: Uint8Array
  readonly blockTime: number
}

/** The host's answer to a `tendermint.need-proposal` report (ABCI PrepareProposal). */
export interface ProposalValueEvent {
  readonly type: 'tendermint.proposal-value'
  readonly now: number
  readonly height: number
  readonly round: number
  readonly value: ProposalValue
}

export type ConsensusEvent = NewHeightEvent | VoteEvent | VotesEvent | ProposalEvent | ProposalValueEvent | TimerEvent

/** Timer names; each carries `{ height, round }` as data. */
export const TIMER = {
  propose: 'tendermint.timeout-propose',
  prevote: 'tendermint.timeout-prevote',
  precommit: 'tendermint.timeout-precommit',
  commit: 'tendermint.timeout-commit',
} as const
