import type { ProtocolEffect } from '../effects.ts'
import { startOfHeight, valueOf, withChanges, type ConsensusContext, type Outcome, type ReceivedProposal } from './consensusContext.ts'
import { TIMER, type NewHeightEvent } from './consensusEvents.ts'
import { evidenceReport } from './conflicts.ts'
import { voteSetAt } from './heightVotes.ts'
import { proposerSchedule } from './proposerSelection.ts'
import { votesInIndexOrder } from './voteSet.ts'

/** How a height ends (the decision, paper L49–54) and the next one begins. */

const cancelRoundTimers: readonly ProtocolEffect[] = [TIMER.propose, TIMER.prevote, TIMER.precommit].map((name) => ({
  type: 'cancelTimer',
  name,
}))

/**
 * L49–54: decide. The host applies the block (FinalizeBlock, Commit) and answers with
 * `tendermint.new-height`. Conflicting votes seen at this height become evidence now
 * that the height's block time, which evidence ages from, is known.
 */
export const decide = (
  ctx: ConsensusContext,
  ready: { readonly round: number; readonly proposal: ReceivedProposal },
  now: number,
): Outcome => {
  const value = valueOf(ready.proposal)
  const commit = votesInIndexOrder(voteSetAt(ctx.votes, ready.round, 'precommit'), { blockId: value.blockId })
  return {
    context: withChanges(ctx, { decision: { round: ready.round, value, commitTime: now }, awaitingValue: false }),
    effects: [
      ...cancelRoundTimers,
      {
        type: 'report',
        event: 'tendermint.commit',
        data: { height: ctx.height, round: ready.round, blockId: value.blockId, block: value.block, blockTime: value.blockTime, commit },
      },
      ...ctx.conflicts.map((c) => evidenceReport(c, value.blockTime)),
    ],
  }
}

export const isNewHeight = (ctx: ConsensusContext, event: NewHeightEvent): boolean =>
  event.height > ctx.height && event.validators.validators.length > 0

/**
 * A new height (see startOfHeight). After a decision the precommits of the decided round
 * stay open as the LastCommit, and round 0 waits for timeout_commit counted from the
 * decision, as CometBFT's StartTime does.
 */
export const enterHeight = (ctx: ConsensusContext, event: NewHeightEvent): Outcome => {
  const decided = ctx.decision !== null && event.height === ctx.height + 1 ? ctx.decision : null
  const startAt = decided === null ? event.now : decided.commitTime + ctx.config.timeouts.commit
  const next: ConsensusContext = {
    ...ctx,
    ...startOfHeight(event.height, event.validators, proposerSchedule(event.validators)),
    round: event.firstRound ?? 0,
    // A restarted validator resumes locked on the block it last precommitted, which is
    // also its valid value (validRound ≥ lockedRound, as L36 keeps them): the block it
    // proposes again if it is a proposer in this height.
    ...(event.lock?.height === event.height
      ? { lockedValue: event.lock.value, lockedRound: event.lock.round, validValue: event.lock.value, validRound: event.lock.round }
      : {}),
    startAt,
    lastCommit:
      decided === null
        ? null
        : {
            height: ctx.height,
            round: decided.round,
            blockTime: decided.value.blockTime,
            validators: ctx.validators,
            precommits: voteSetAt(ctx.votes, decided.round, 'precommit'),
            conflicts: ctx.conflicts,
          },
  }
  const abandoned = ctx.height > 0 && ctx.decision === null ? cancelRoundTimers : []
  const wait: ProtocolEffect[] =
    startAt > event.now
      ? [{ type: 'setTimer', name: TIMER.commit, after: startAt - event.now, data: { height: event.height, round: 0 } }]
      : []
  return { context: next, effects: [...abandoned, ...wait] }
}
