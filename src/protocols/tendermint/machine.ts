import { assign, enqueueActions, setup } from 'xstate'
import type { ProtocolEffect } from '../effects.ts'
import { initialContext, type ConsensusContext, type ConsensusInput, type Outcome } from './consensusContext.ts'
import {
  TIMER,
  type ConsensusEvent,
  type NewHeightEvent,
  type ProposalEvent,
  type ProposalValueEvent,
  type VoteEvent,
  type VotesEvent,
} from './consensusEvents.ts'
import { decide, enterHeight, isNewHeight } from './heightSteps.ts'
import { receiveProposal, receiveVote } from './intake.ts'
import { afterHeldVotes, receiveVotes } from './quietVotes.ts'
import {
  castVote,
  lockAndPrecommit,
  proposeValue,
  recordValidValue,
  scheduleTimeoutPrecommit,
  scheduleTimeoutPrevote,
  startRound,
} from './roundSteps.ts'
import {
  decisionReady,
  firstRoundDue,
  isTimerOf,
  polkaForNil,
  polkaForProposal,
  precommitTimeoutDue,
  prevoteOnProposal,
  prevoteTimeoutDue,
  roundToSkipTo,
} from './rules.ts'

/**
 * Tendermint consensus for one validator (paper Algorithm 1 as CometBFT runs it) as an
 * XState machine. The states are the steps: `newHeight` (timeout_commit),
 * `inRound.propose|prevote|precommit`, and `commit` (decided, waiting for the host to
 * apply the block). The paper's "upon" rules are eventless transitions guarded by the
 * pure checks of rules.ts, so after every event every rule that holds fires, in the
 * order listed, until none does. Actions are the pure steps of roundSteps.ts,
 * heightSteps.ts and intake.ts; their effects are emitted as ProtocolEffects (see
 * index.ts for the contract with the host).
 */

/**
 * Runs a pure step: assigns its context (unless the step left it as it was: an XState
 * assign copies the context into a new snapshot), emits its effects in order.
 */
const run = (step: (context: ConsensusContext, event: ConsensusEvent) => Outcome) =>
  enqueueActions<ConsensusContext, ConsensusEvent, undefined, ConsensusEvent, never, never, never, never, ProtocolEffect>(
    ({ context, event, enqueue }) => {
      const outcome = step(context, event)
      if (outcome.context !== context) enqueue.assign(() => outcome.context)
      for (const effect of outcome.effects) enqueue.emit(effect)
    },
  )

/**
 * The outcome of counting a vote, computed once per event: the guard that picks how to
 * apply it and the action that applies it see the same context and event objects.
 */
let lastVote: { readonly context: ConsensusContext; readonly event: VoteEvent; readonly outcome: Outcome } | undefined

const voteOutcome = (context: ConsensusContext, event: VoteEvent): Outcome => {
  if (lastVote?.context !== context || lastVote.event !== event) lastVote = { context, event, outcome: receiveVote(context, event.body) }
  return lastVote.outcome
}

export const tendermintMachine = setup({
  types: {
    context: {} as ConsensusContext,
    events: {} as ConsensusEvent,
    input: {} as ConsensusInput,
    emitted: {} as ProtocolEffect,
  },
  guards: {
    isNewHeight: ({ context, event }) => event.type === 'tendermint.new-height' && isNewHeight(context, event),
    voteIsQuiet: ({ context, event }) => voteOutcome(context, event as VoteEvent).effects.length === 0,
    canDecide: ({ context }) => decisionReady(context) !== undefined,
    canSkipRound: ({ context }) => roundToSkipTo(context) !== undefined,
    firstRoundDue: ({ context, event }) => firstRoundDue(context, event.now),
    canPrevoteOnProposal: ({ context }) => prevoteOnProposal(context) !== undefined,
    prevoteTimeoutDue: ({ context }) => prevoteTimeoutDue(context),
    polkaForProposal: ({ context }) => polkaForProposal(context) !== undefined,
    polkaForNil: ({ context }) => polkaForNil(context),
    precommitTimeoutDue: ({ context }) => precommitTimeoutDue(context),
    timeoutCommitFired: ({ context, event }) => event.type === 'timer' && isTimerOf(context, event, TIMER.commit, 0),
    timeoutProposeFired: ({ context, event }) => event.type === 'timer' && isTimerOf(context, event, TIMER.propose),
    timeoutPrevoteFired: ({ context, event }) => event.type === 'timer' && isTimerOf(context, event, TIMER.prevote),
    timeoutPrecommitFired: ({ context, event }) => event.type === 'timer' && isTimerOf(context, event, TIMER.precommit),
  },
  actions: {
    enterHeight: run((ctx, event) => enterHeight(ctx, event as NewHeightEvent)),
    receiveVote: run((ctx, event) => voteOutcome(ctx, event as VoteEvent)),
    // Most votes change only the context: applied as a plain assign, a vote costs a
    // quarter less than through enqueueActions (measured), and votes are most events.
    countQuietVote: assign(({ context, event }) => voteOutcome(context, event as VoteEvent).context),
    receiveVotes: run((ctx, event) => receiveVotes(ctx, (event as VotesEvent).votes, (event as VotesEvent).quiet)),
    receiveProposal: run((ctx, event) => afterHeldVotes(ctx, (event as ProposalEvent).heldVotes, (counted) => receiveProposal(counted, event as ProposalEvent))),
    proposeValue: run((ctx, event) => proposeValue(ctx, event as ProposalValueEvent)),
    // The round enterHeight set: 0, or the one a restarted validator resumes in.
    startFirstRound: run((ctx, event) => startRound(ctx, ctx.round, event.now)),
    startNextRound: run((ctx, event) => startRound(ctx, ctx.round + 1, event.now)),
    skipRound: run((ctx, event) => startRound(ctx, roundToSkipTo(ctx)!, event.now)),
    decide: run((ctx, event) => decide(ctx, decisionReady(ctx)!, event.now)),
    prevoteOnProposal: run((ctx, event) => castVote(ctx, 'prevote', prevoteOnProposal(ctx)!.blockId, event.now)),
    prevoteNil: run((ctx, event) => castVote(ctx, 'prevote', null, event.now)),
    precommitNil: run((ctx, event) => castVote(ctx, 'precommit', null, event.now)),
    lockAndPrecommit: run((ctx, event) => lockAndPrecommit(ctx, polkaForProposal(ctx)!, event.now)),
    recordValidValue: run((ctx) => recordValidValue(ctx, polkaForProposal(ctx)!)),
    scheduleTimeoutPrevote: run((ctx) => scheduleTimeoutPrevote(ctx)),
    scheduleTimeoutPrecommit: run((ctx) => scheduleTimeoutPrecommit(ctx)),
  },
}).createMachine({
  id: 'tendermint',
  context: ({ input }) => initialContext(input),
  initial: 'idle',
  on: {
    'tendermint.new-height': { guard: 'isNewHeight', target: '.newHeight', actions: 'enterHeight' },
    'tendermint.vote': [{ guard: 'voteIsQuiet', actions: 'countQuietVote' }, { actions: 'receiveVote' }],
    'tendermint.votes': { actions: 'receiveVotes' },
    'tendermint.proposal': { actions: 'receiveProposal' },
  },
  states: {
    idle: {},
    newHeight: {
      always: [
        { guard: 'canDecide', target: 'commit', actions: 'decide' },
        { guard: 'canSkipRound', target: 'inRound', actions: 'skipRound' },
        { guard: 'firstRoundDue', target: 'inRound', actions: 'startFirstRound' },
      ],
      on: { timer: { guard: 'timeoutCommitFired', target: 'inRound', actions: 'startFirstRound' } },
    },
    inRound: {
      initial: 'propose',
      on: {
        // OnTimeoutPrecommit (L65–67): in any step of the round
        timer: { guard: 'timeoutPrecommitFired', target: '.propose', reenter: true, actions: 'startNextRound' },
      },
      states: {
        propose: {
          always: [
            { guard: 'canDecide', target: '#tendermint.commit', actions: 'decide' },
            { guard: 'canSkipRound', target: 'propose', reenter: true, actions: 'skipRound' },
            { guard: 'canPrevoteOnProposal', target: 'prevote', actions: 'prevoteOnProposal' },
            { guard: 'precommitTimeoutDue', actions: 'scheduleTimeoutPrecommit' },
          ],
          on: {
            'tendermint.proposal-value': { actions: 'proposeValue' },
            // OnTimeoutPropose (L57–60)
            timer: { guard: 'timeoutProposeFired', target: 'prevote', actions: 'prevoteNil' },
          },
        },
        prevote: {
          always: [
            { guard: 'canDecide', target: '#tendermint.commit', actions: 'decide' },
            { guard: 'canSkipRound', target: 'propose', actions: 'skipRound' },
            { guard: 'polkaForProposal', target: 'precommit', actions: 'lockAndPrecommit' },
            { guard: 'polkaForNil', target: 'precommit', actions: 'precommitNil' },
            { guard: 'prevoteTimeoutDue', actions: 'scheduleTimeoutPrevote' },
            { guard: 'precommitTimeoutDue', actions: 'scheduleTimeoutPrecommit' },
          ],
          on: {
            // OnTimeoutPrevote (L61–64)
            timer: { guard: 'timeoutPrevoteFired', target: 'precommit', actions: 'precommitNil' },
          },
        },
        precommit: {
          always: [
            { guard: 'canDecide', target: '#tendermint.commit', actions: 'decide' },
            { guard: 'canSkipRound', target: 'propose', actions: 'skipRound' },
            { guard: 'polkaForProposal', actions: 'recordValidValue' },
            { guard: 'precommitTimeoutDue', actions: 'scheduleTimeoutPrecommit' },
          ],
        },
      },
    },
    commit: {},
  },
})

export type TendermintMachine = typeof tendermintMachine
