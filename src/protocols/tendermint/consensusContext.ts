import type { ProtocolEffect } from '../effects.ts'
import type { ProposalValue } from './consensusEvents.ts'
import { emptyHeightVotes, type HeightVotes } from './heightVotes.ts'
import type { SignedProposal, SignedVote } from './messages.ts'
import type { ProposerSchedule } from './proposerSelection.ts'
import { DEFAULT_TIMEOUTS, type TimeoutConfig } from './timeouts.ts'
import { EMPTY_VALIDATOR_SET, validatorIndex, type ValidatorSet } from './validatorSet.ts'
import type { VoteSet } from './voteSet.ts'

/**
 * The state of one validator's consensus (paper Algorithm 1, §3.1): the XState state is
 * the step, this context is everything else.
 */

export interface ConsensusConfig {
  readonly chainId: string
  /** This node's validator address; a node outside the height's set follows without voting. */
  readonly address: string
  readonly timeouts: TimeoutConfig
}

export interface ConsensusInput {
  readonly chainId: string
  readonly address: string
  readonly timeouts?: Partial<TimeoutConfig>
}

export interface ReceivedProposal {
  readonly proposal: SignedProposal
  readonly valid: boolean
  readonly blockTime: number
}

export interface Decision {
  /** The round whose precommits decided (r' of L49). */
  readonly round: number
  readonly value: ProposalValue
  /** When +2/3 precommits were seen: timeout_commit counts from here. */
  readonly commitTime: number
}

/** Two votes of one validator for one (height, round, type), kept until the height's block time is known. */
export interface Conflict {
  readonly existing: SignedVote
  readonly incoming: SignedVote
  readonly validatorPower: bigint
  readonly totalPower: bigint
}

/** The precommits for the previous height's block, still collected during the next height (its LastCommit). */
export interface LastCommit {
  readonly height: number
  readonly round: number
  readonly blockTime: number
  readonly validators: ValidatorSet
  readonly precommits: VoteSet
  readonly conflicts: readonly Conflict[]
}

/** The once-per-round rules ("for the first time", L34, L36, L47) that already fired this round. */
export interface FiredThisRound {
  readonly prevoteTimeout: boolean
  readonly polka: boolean
  readonly precommitTimeout: boolean
}

export const NOTHING_FIRED: FiredThisRound = { prevoteTimeout: false, polka: false, precommitTimeout: false }

export interface ConsensusContext {
  readonly config: ConsensusConfig
  /** 0 until the first `tendermint.new-height`. */
  readonly height: number
  readonly round: number
  readonly validators: ValidatorSet
  readonly schedule: ProposerSchedule
  readonly votes: HeightVotes
  /** Proposals of this height by round, then by proposer address. */
  readonly proposals: ReadonlyMap<number, ReadonlyMap<string, ReceivedProposal>>
  readonly lockedValue: ProposalValue | null
  readonly lockedRound: number
  readonly validValue: ProposalValue | null
  readonly validRound: number
  readonly fired: FiredThisRound
  /** This node proposes this round and waits for the host's `tendermint.proposal-value`. */
  readonly awaitingValue: boolean
  /** When round 0 of this height may start (the end of the previous height's timeout_commit). */
  readonly startAt: number
  readonly decision: Decision | null
  readonly lastCommit: LastCommit | null
  readonly conflicts: readonly Conflict[]
}

/** A step's result: the next context and the effects, in the order the host carries them out. */
export interface Outcome {
  readonly context: ConsensusContext
  readonly effects: readonly ProtocolEffect[]
}

/**
 * `ctx` with `changes`, written out field by field. Not `{ ...ctx, ...changes }`: on Node
 * 20 an object spread takes V8's slow runtime path (a few hundred ns for this context,
 * 10–30× a literal), and a context is made for every vote a validator counts. The literal
 * names every field, so a field added to the interface and not copied here fails to compile.
 */
export const withChanges = (ctx: ConsensusContext, changes: Partial<ConsensusContext>): ConsensusContext => ({
  config: changes.config ?? ctx.config,
  height: changes.height ?? ctx.height,
  round: changes.round ?? ctx.round,
  validators: changes.validators ?? ctx.validators,
  schedule: changes.schedule ?? ctx.schedule,
  votes: changes.votes ?? ctx.votes,
  proposals: changes.proposals ?? ctx.proposals,
  lockedValue: changes.lockedValue !== undefined ? changes.lockedValue : ctx.lockedValue,
  lockedRound: changes.lockedRound ?? ctx.lockedRound,
  validValue: changes.validValue !== undefined ? changes.validValue : ctx.validValue,
  validRound: changes.validRound ?? ctx.validRound,
  fired: changes.fired ?? ctx.fired,
  awaitingValue: changes.awaitingValue ?? ctx.awaitingValue,
  startAt: changes.startAt ?? ctx.startAt,
  decision: changes.decision !== undefined ? changes.decision : ctx.decision,
  lastCommit: changes.lastCommit !== undefined ? changes.lastCommit : ctx.lastCommit,
  conflicts: changes.conflicts ?? ctx.conflicts,
})

/** One empty list for every outcome without effects: most votes a validator counts have none. */
const NO_EFFECTS: readonly ProtocolEffect[] = Object.freeze([])

export const unchanged = (context: ConsensusContext): Outcome => ({ context, effects: NO_EFFECTS })

/** An input dropped, counted under `metric`. */
export const count = (context: ConsensusContext, metric: string): Outcome => ({ context, effects: [{ type: 'count', metric }] })

export const initialContext = (input: ConsensusInput): ConsensusContext => ({
  config: { chainId: input.chainId, address: input.address, timeouts: { ...DEFAULT_TIMEOUTS, ...input.timeouts } },
  ...startOfHeight(0, EMPTY_VALIDATOR_SET, { totalPower: 0n, priorities: [], proposers: [] }),
  round: 0,
  startAt: 0,
  lastCommit: null,
})

/**
 * What every height starts from: no votes or proposals yet, and locked and valid values
 * and rounds reset (L53). The round, its start and the LastCommit depend on how the height
 * is entered.
 */
export const startOfHeight = (
  height: number,
  validators: ValidatorSet,
  schedule: ProposerSchedule,
): Omit<ConsensusContext, 'config' | 'round' | 'startAt' | 'lastCommit'> => ({
  height,
  validators,
  schedule,
  votes: emptyHeightVotes(height, validators.totalPower),
  proposals: new Map(),
  lockedValue: null,
  lockedRound: -1,
  validValue: null,
  validRound: -1,
  fired: NOTHING_FIRED,
  awaitingValue: false,
  decision: null,
  conflicts: [],
})

/** proposer(h, r) for a round the schedule covers (every round up to the current one). */
export const proposerOfRound = (ctx: ConsensusContext, round: number): string | undefined => ctx.schedule.proposers[round]

/** The proposal of `round` from that round's proposer, if it arrived. */
export const proposalOf = (ctx: ConsensusContext, round: number): ReceivedProposal | undefined => {
  const proposer = proposerOfRound(ctx, round)
  return proposer === undefined ? undefined : ctx.proposals.get(round)?.get(proposer)
}

export const valueOf = (received: ReceivedProposal): ProposalValue => ({
  blockId: received.proposal.blockId,
  block: received.proposal.block,
  blockTime: received.blockTime,
})

/** This node's index in the height's set, −1 when it is not a validator of this height. */
export const selfIndex = (ctx: ConsensusContext): number => validatorIndex(ctx.validators, ctx.config.address)
