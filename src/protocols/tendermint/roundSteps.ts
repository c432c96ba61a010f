import type { ProtocolEffect } from '../effects.ts'
import { voteTimestamp } from './bftTime.ts'
import {
  NOTHING_FIRED,
  proposalOf,
  selfIndex,
  unchanged,
  valueOf,
  withChanges,
  type ConsensusContext,
  type Outcome,
  type ReceivedProposal,
} from './consensusContext.ts'
import { TIMER, type ProposalValue, type ProposalValueEvent } from './consensusEvents.ts'
import { persistLock } from './lock.ts'
import type { Proposal, Vote, VoteType } from './messages.ts'
import { scheduleThrough } from './proposerSelection.ts'
import { timeoutPrecommit, timeoutPrevote, timeoutPropose } from './timeouts.ts'
import { votesInIndexOrder } from './voteSet.ts'

/**
 * What the machine does inside a round when a rule fires: propose, vote, lock, start
 * timeouts. Pure functions from the context (and the time) to the next context and the
 * effects; line numbers refer to Algorithm 1 of the Tendermint paper (arXiv:1807.04938).
 */

/** The topic every consensus message is published on. */
export const CONSENSUS_TOPIC = 'consensus'

const timer = (ctx: ConsensusContext, name: string, after: number): ProtocolEffect => ({
  type: 'setTimer',
  name,
  after,
  data: { height: ctx.height, round: ctx.round },
})

/**
 * L11 StartRound(round): the proposer proposes its valid value (L15–16) or asks the host
 * for a new one (getValue, L18, as a `tendermint.need-proposal` report); everyone waits
 * timeoutPropose. The paper has only non-proposers wait; CometBFT has the proposer wait
 * too, so a host that never answers cannot stall it. We do as CometBFT.
 */
export const startRound = (ctx: ConsensusContext, round: number, now: number): Outcome => {
  const schedule = scheduleThrough(ctx.schedule, round)
  const proposer = schedule.proposers[round]!
  const next = withChanges(ctx, { round, schedule, fired: NOTHING_FIRED, awaitingValue: false })
  const effects: ProtocolEffect[] = [
    { type: 'report', event: 'tendermint.round', data: { height: ctx.height, round, proposer } },
    timer(next, TIMER.propose, timeoutPropose(ctx.config.timeouts, round)),
  ]
  if (proposer !== ctx.config.address) return { context: next, effects }
  if (ctx.validValue !== null) {
    return { context: next, effects: [...effects, publishProposal(next, ctx.validValue, ctx.validRound, now)] }
  }
  effects.push({
    type: 'report',
    event: 'tendermint.need-proposal',
    data: { height: ctx.height, round, lastCommit: ctx.lastCommit === null ? [] : votesInIndexOrder(ctx.lastCommit.precommits) },
  })
  return { context: { ...next, awaitingValue: true }, effects }
}

/** L19: broadcast the proposal; the host signs it, publishes it and feeds it back. */
const publishProposal = (ctx: ConsensusContext, value: ProposalValue, polRound: number, now: number): ProtocolEffect => {
  const body: Proposal = {
    height: ctx.height,
    round: ctx.round,
    polRound,
    blockId: value.blockId,
    timestamp: now,
    proposerAddress: ctx.config.address,
    block: value.block,
  }
  return { type: 'publish', topic: CONSENSUS_TOPIC, kind: 'tendermint.proposal', body }
}

/** The host's answer to need-proposal, if we still wait for it in this round. */
export const proposeValue = (ctx: ConsensusContext, event: ProposalValueEvent): Outcome => {
  if (!ctx.awaitingValue || event.height !== ctx.height || event.round !== ctx.round) return unchanged(ctx)
  return { context: withChanges(ctx, { awaitingValue: false }), effects: [publishProposal(ctx, event.value, -1, event.now)] }
}

/**
 * A vote of this node (L24–26, L30–32, L40, L45, L59, L63), if it is a validator of the height.
 * Its timestamp follows BFT time: not before 1 ms after the block it is locked on, or
 * else the block proposed this round (CometBFT `voteTime`).
 */
export const castVote = (ctx: ConsensusContext, type: VoteType, blockId: string | null, now: number): Outcome => {
  const index = selfIndex(ctx)
  if (index < 0) return unchanged(ctx)
  const blockTime = ctx.lockedValue?.blockTime ?? proposalOf(ctx, ctx.round)?.blockTime
  const body: Vote = {
    type,
    height: ctx.height,
    round: ctx.round,
    blockId,
    timestamp: voteTimestamp(now, blockTime),
    validatorAddress: ctx.config.address,
    validatorIndex: index,
  }
  return {
    context: ctx,
    effects: [
      { type: 'publish', topic: CONSENSUS_TOPIC, kind: 'tendermint.vote', body },
      { type: 'report', event: 'tendermint.vote-signed', data: { height: ctx.height, round: ctx.round, type, blockId } },
    ],
  }
}

/** L36 with step = prevote: lock on the value, remember it as valid, precommit it. */
export const lockAndPrecommit = (ctx: ConsensusContext, received: ReceivedProposal, now: number): Outcome => {
  const value = valueOf(received)
  const locked = withChanges(ctx, {
    lockedValue: value,
    lockedRound: ctx.round,
    validValue: value,
    validRound: ctx.round,
    fired: { ...ctx.fired, polka: true },
  })
  const precommit = castVote(locked, 'precommit', value.blockId, now)
  return { ...precommit, effects: [persistLock({ height: ctx.height, round: ctx.round, value }), ...precommit.effects] }
}

/** L36 with step = precommit: too late to lock, but the value becomes the valid value (L42–43). */
export const recordValidValue = (ctx: ConsensusContext, received: ReceivedProposal): Outcome =>
  unchanged(withChanges(ctx, { validValue: valueOf(received), validRound: ctx.round, fired: { ...ctx.fired, polka: true } }))

/** L34–35. */
export const scheduleTimeoutPrevote = (ctx: ConsensusContext): Outcome => ({
  context: withChanges(ctx, { fired: { ...ctx.fired, prevoteTimeout: true } }),
  effects: [timer(ctx, TIMER.prevote, timeoutPrevote(ctx.config.timeouts, ctx.round))],
})

/** L47–48. */
export const scheduleTimeoutPrecommit = (ctx: ConsensusContext): Outcome => ({
  context: withChanges(ctx, { fired: { ...ctx.fired, precommitTimeout: true } }),
  effects: [timer(ctx, TIMER.precommit, timeoutPrecommit(ctx.config.timeouts, ctx.round))],
})
