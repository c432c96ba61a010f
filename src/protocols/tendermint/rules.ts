import type { TimerEvent } from '../events.ts'
import { proposalOf, type ConsensusContext, type ReceivedProposal } from './consensusContext.ts'
import { voteSetAt } from './heightVotes.ts'
import { hasOneThirdAny, hasTwoThirdsAny, twoThirdsMajority } from './voteSet.ts'

/**
 * The "upon" conditions of the Tendermint paper (arXiv:1807.04938, Algorithm 1), as pure
 * reads of the context. Which step each one needs (step = propose, step ≥ prevote, …)
 * is the machine's structure: a rule is only checked in the states where the paper
 * allows it.
 */

const prevotes = (ctx: ConsensusContext, round: number) => voteSetAt(ctx.votes, round, 'prevote')
const precommits = (ctx: ConsensusContext, round: number) => voteSetAt(ctx.votes, round, 'precommit')

const polkaFor = (ctx: ConsensusContext, round: number, blockId: string): boolean =>
  twoThirdsMajority(prevotes(ctx, round))?.blockId === blockId

/**
 * L22 and L28, while step = propose: the proposal of this round decides the prevote.
 * With validRound −1 (L22) prevote it if it is valid and we are not locked on something
 * else; with 0 ≤ validRound < round and a polka for it in validRound (L28) prevote it if
 * it is valid and we locked no later than validRound (or on it). Anything else: nil.
 * Undefined while there is nothing to act on yet.
 */
export const prevoteOnProposal = (ctx: ConsensusContext): { readonly blockId: string | null } | undefined => {
  const received = proposalOf(ctx, ctx.round)
  if (received === undefined) return undefined
  const { blockId, polRound } = received.proposal
  const lockedOnIt = ctx.lockedValue?.blockId === blockId
  if (polRound === -1) {
    return { blockId: received.valid && (ctx.lockedRound === -1 || lockedOnIt) ? blockId : null }
  }
  if (polRound < ctx.round && polkaFor(ctx, polRound, blockId)) {
    return { blockId: received.valid && (ctx.lockedRound <= polRound || lockedOnIt) ? blockId : null }
  }
  return undefined
}

/** L34, while step = prevote: +2/3 prevotes of any kind this round, for the first time. */
export const prevoteTimeoutDue = (ctx: ConsensusContext): boolean =>
  !ctx.fired.prevoteTimeout && hasTwoThirdsAny(prevotes(ctx, ctx.round))

/**
 * L36, while step ≥ prevote: the valid proposal of this round has +2/3 prevotes, for the
 * first time this round. Returns that proposal.
 */
export const polkaForProposal = (ctx: ConsensusContext): ReceivedProposal | undefined => {
  if (ctx.fired.polka) return undefined
  const received = proposalOf(ctx, ctx.round)
  return received !== undefined && received.valid && polkaFor(ctx, ctx.round, received.proposal.blockId) ? received : undefined
}

/** L44, while step = prevote: +2/3 prevotes for nil this round. */
export const polkaForNil = (ctx: ConsensusContext): boolean => twoThirdsMajority(prevotes(ctx, ctx.round))?.blockId === null

/** L47, in any step of the round: +2/3 precommits of any kind this round, for the first time. */
export const precommitTimeoutDue = (ctx: ConsensusContext): boolean =>
  !ctx.fired.precommitTimeout && hasTwoThirdsAny(precommits(ctx, ctx.round))

/**
 * L49: +2/3 precommits for a block in some round r' (any round up to the current one) and
 * that block, valid, from a proposal. Like CometBFT (which commits whatever block hashes
 * to the precommitted id) the proposal may be of any round: +2/3 precommits make the
 * decision safe, the proposal only supplies the block. Rounds above the current one are
 * reached first by the round skip (L55), which always applies when they have +2/3.
 */
export const decisionReady = (ctx: ConsensusContext): { readonly round: number; readonly proposal: ReceivedProposal } | undefined => {
  if (ctx.decision !== null) return undefined
  for (const { round, precommit } of ctx.votes.rounds) {
    if (round > ctx.round) break
    const majority = twoThirdsMajority(precommit)
    if (majority === undefined || majority.blockId === null) continue
    const proposal = knownValidProposal(ctx, majority.blockId)
    if (proposal !== undefined) return { round, proposal }
  }
  return undefined
}

const knownValidProposal = (ctx: ConsensusContext, blockId: string): ReceivedProposal | undefined => {
  for (let round = 0; round <= ctx.round; round++) {
    const received = proposalOf(ctx, round)
    if (received !== undefined && received.valid && received.proposal.blockId === blockId) return received
  }
  return undefined
}

/**
 * L55 as the paper states it: jump on votes of a higher round from more than a third of
 * the power (prevotes or precommits). CometBFT waits for +2/3 instead, which is safe for
 * it because its write-ahead log brings a restarted validator back to the round it was
 * in. Without such a log a restarted validator starts at round 0; if it holds more than
 * a third of the power, the others can never gather +2/3 of any round without it, and
 * only the paper's f + 1 rule lets it catch up (found by the consensus property test).
 * Returns the highest such round.
 */
export const roundToSkipTo = (ctx: ConsensusContext): number | undefined => {
  let target: number | undefined
  for (const { round, prevote, precommit } of ctx.votes.rounds) {
    if (round > ctx.round && (hasOneThirdAny(prevote) || hasOneThirdAny(precommit))) target = round
  }
  return target
}

/** A timer of this height and round (older ones are stale: the paper's "if h = hp ∧ round = roundp"). */
export const isTimerOf = (ctx: ConsensusContext, event: TimerEvent, name: string, round = ctx.round): boolean => {
  if (event.name !== name || typeof event.data !== 'object' || event.data === null) return false
  const data = event.data as { readonly height?: unknown; readonly round?: unknown }
  return data.height === ctx.height && data.round === round
}

/** The first round of the height may start: timeout_commit is over. */
export const firstRoundDue = (ctx: ConsensusContext, now: number): boolean => now >= ctx.startAt
