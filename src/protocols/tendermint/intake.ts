import {
  count,
  proposerOfRound,
  unchanged,
  withChanges,
  type Conflict,
  type ConsensusContext,
  type Outcome,
  type ReceivedProposal,
} from './consensusContext.ts'
import type { ProposalEvent } from './consensusEvents.ts'
import { evidenceReport, isKnownConflict } from './conflicts.ts'
import { addHeightVote } from './heightVotes.ts'
import type { SignedVote } from './messages.ts'
import { hasValidator } from './validatorSet.ts'
import { addVote } from './voteSet.ts'

/**
 * How votes and proposals enter the machine's context. The host has checked schemas and
 * signatures; what is checked here is consensus membership: the right validator index,
 * the right proposer, bounded memory for rounds the node has not reached.
 */

/**
 * Counts a signature-checked vote: of this height into its round's set (L55's catch-up
 * bound applies), or a late precommit of the previous height into the LastCommit.
 */
export const receiveVote = (ctx: ConsensusContext, vote: SignedVote): Outcome => {
  if (ctx.height > 0 && vote.height === ctx.height) return receiveCurrentVote(ctx, vote)
  const last = ctx.lastCommit
  if (last !== null && vote.height === last.height && vote.round === last.round && vote.type === 'precommit') {
    const validator = last.validators.validators[vote.validatorIndex]
    if (validator?.address !== vote.validatorAddress) return count(ctx, 'tendermint.votes.unknown-validator')
    const result = addVote(last.precommits, vote, validator.power)
    if (result.outcome === 'added') return unchanged(withChanges(ctx, { lastCommit: { ...last, precommits: result.set } }))
    if (result.outcome === 'duplicate') return unchanged(ctx)
    const withVote = { ...last, precommits: result.set }
    const conflict: Conflict = {
      existing: result.existing,
      incoming: vote,
      validatorPower: validator.power,
      totalPower: last.validators.totalPower,
    }
    if (isKnownConflict(last.conflicts, conflict)) return unchanged(withChanges(ctx, { lastCommit: withVote }))
    return {
      context: withChanges(ctx, { lastCommit: { ...withVote, conflicts: [...last.conflicts, conflict] } }),
      effects: [evidenceReport(conflict, last.blockTime)],
    }
  }
  return unchanged(ctx)
}

const receiveCurrentVote = (ctx: ConsensusContext, vote: SignedVote): Outcome => {
  const validator = ctx.validators.validators[vote.validatorIndex]
  if (validator?.address !== vote.validatorAddress) return count(ctx, 'tendermint.votes.unknown-validator')
  const result = addHeightVote(ctx.votes, vote, validator.power, ctx.round)
  switch (result.outcome) {
    case 'added':
      return unchanged(withChanges(ctx, { votes: result.votes }))
    case 'duplicate':
      return unchanged(ctx)
    case 'unwanted-round':
      return count(ctx, 'tendermint.votes.unwanted-round')
    case 'conflict': {
      const conflict: Conflict = {
        existing: result.existing,
        incoming: vote,
        validatorPower: validator.power,
        totalPower: ctx.validators.totalPower,
      }
      if (isKnownConflict(ctx.conflicts, conflict)) return unchanged(withChanges(ctx, { votes: result.votes }))
      const next = withChanges(ctx, { votes: result.votes, conflicts: [...ctx.conflicts, conflict] })
      // after the decision the block time is known: report at once
      return ctx.decision === null ? unchanged(next) : { context: next, effects: [evidenceReport(conflict, ctx.decision.value.blockTime)] }
    }
  }
}

/** Proposals a validator may have stored for rounds the node has not reached (like the catch-up rounds of votes). */
export const MAX_EARLY_PROPOSALS_PER_VALIDATOR = 2

/**
 * Keeps a signature-checked proposal of this height: for a round the node has reached
 * only from that round's proposer; for a later round (it may arrive just before the node
 * gets there) from any validator, at most two such rounds each, checked against the
 * proposer when the round comes. A proposer's first proposal for a round stands.
 */
export const receiveProposal = (ctx: ConsensusContext, event: ProposalEvent): Outcome => {
  const proposal = event.body
  if (ctx.height === 0 || proposal.height !== ctx.height) return unchanged(ctx)
  if (proposal.polRound < -1 || proposal.polRound >= proposal.round) return count(ctx, 'tendermint.proposals.bad-pol-round')
  if (ctx.proposals.get(proposal.round)?.has(proposal.proposerAddress)) return unchanged(ctx)
  if (proposal.round <= ctx.round) {
    if (proposerOfRound(ctx, proposal.round) !== proposal.proposerAddress) return count(ctx, 'tendermint.proposals.wrong-proposer')
  } else {
    if (!hasValidator(ctx.validators, proposal.proposerAddress)) return count(ctx, 'tendermint.proposals.wrong-proposer')
    const early = [...ctx.proposals].filter(([round, byProposer]) => round > ctx.round && byProposer.has(proposal.proposerAddress))
    if (early.length >= MAX_EARLY_PROPOSALS_PER_VALIDATOR) return count(ctx, 'tendermint.proposals.unwanted-round')
  }
  const received: ReceivedProposal = { proposal, valid: event.valid, blockTime: event.blockTime }
  const byProposer = new Map(ctx.proposals.get(proposal.round)).set(proposal.proposerAddress, received)
  return unchanged(withChanges(ctx, { proposals: new Map(ctx.proposals).set(proposal.round, byProposer) }))
}
