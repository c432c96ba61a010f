import type { ConsensusContext, Outcome } from './consensusContext.ts'
import type { VotesEvent } from './consensusEvents.ts'
import { voteSetAt } from './heightVotes.ts'
import { receiveVote } from './intake.ts'
import type { SignedVote } from './messages.ts'
import { hasOneThirdAny, hasTwoThirdsAny, type VoteSet } from './voteSet.ts'

/**
 * Votes that no rule of the machine can notice yet, counted ahead of the machine.
 *
 * The "upon" rules (rules.ts) read a vote set only through thresholds, and which ones
 * depends on its round: +2/3 for one value (any round up to the current one: a decision,
 * a polka, a proposal's valid round), +2/3 of any votes (the current round: the prevote
 * and precommit timeouts), more than 1/3 of any votes (later rounds: the round skip).
 * Most votes cross none of them (of a 64-validator round's 64 prevotes, only the one that
 * makes the polka does), and counting such a vote changes nothing a rule reads: after
 * it, no rule holds that did not hold before. So a host may count a run of such quiet
 * votes here and hand them to the machine as one `tendermint.votes` event before its next
 * event of any other kind; a vote that crosses a threshold, or whose counting has effects
 * (evidence, a metric), closes the run and goes in with it at once. The machine then
 * counts exactly the votes, in exactly the order, it would have counted one by one, and
 * every rule fires on the same event as before; it just runs one step for the run
 * instead of one per vote.
 *
 * Only while the machine is in a round or has decided: before its first round starts
 * (`newHeight`), any event may start the round (`firstRoundDue` reads the event's time).
 */

/** Votes counted ahead of the machine on `base`, its context at rest: `context` is `base` with them counted. */
export interface QuietVotes {
  readonly base: ConsensusContext
  /** The votes, newest first: a run grows by one vote at a time, so it is a list that is never copied. */
  readonly newest: CountedVote | null
  readonly count: number
  readonly context: ConsensusContext
}

interface CountedVote {
  readonly vote: SignedVote
  readonly earlier: CountedVote | null
}

export const noQuietVotes = (base: ConsensusContext): QuietVotes => ({ base, newest: null, count: 0, context: base })

/** The run's votes in the order they were counted. */
export const quietVotesInOrder = (quiet: QuietVotes): SignedVote[] => {
  const votes = new Array<SignedVote>(quiet.count)
  let i = quiet.count
  for (let node = quiet.newest; node !== null; node = node.earlier) votes[--i] = node.vote
  return votes
}

/** `quiet` with `vote` counted too, or undefined when the machine must see `vote` now. */
export const countQuietly = (quiet: QuietVotes, vote: SignedVote): QuietVotes | undefined => {
  const outcome = receiveVote(quiet.context, vote)
  if (outcome.effects.length > 0) return undefined
  const before = quiet.context.votes
  const after = outcome.context.votes
  // Unchanged sets: a duplicate, or a vote of another height (the LastCommit's late precommits), which no rule reads.
  if (before !== after && !sameThresholds(voteSetAt(before, vote.round, vote.type), voteSetAt(after, vote.round, vote.type), vote.round - quiet.context.round)) return undefined
  return { base: quiet.base, newest: { vote, earlier: quiet.newest }, count: quiet.count + 1, context: outcome.context }
}

const sameThresholds = (a: VoteSet, b: VoteSet, ahead: number): boolean =>
  ahead > 0 ? hasOneThirdAny(a) === hasOneThirdAny(b) : a.majority === b.majority && (ahead < 0 || hasTwoThirdsAny(a) === hasTwoThirdsAny(b))

/**
 * Counts `votes` in order, as that many `tendermint.vote` events would. `quiet`, when it
 * was counted on this very context, supplies the count of its votes (a prefix of
 * `votes`); the rest are counted here.
 */
export const receiveVotes = (ctx: ConsensusContext, votes: readonly SignedVote[], quiet: QuietVotes | undefined): Outcome => {
  const reuse = quiet !== undefined && quiet.base === ctx
  let context = reuse ? quiet.context : ctx
  const effects: Outcome['effects'][number][] = []
  for (let i = reuse ? quiet.count : 0; i < votes.length; i++) {
    const outcome = receiveVote(context, votes[i]!)
    context = outcome.context
    effects.push(...outcome.effects)
  }
  return { context, effects }
}

/** `step` after counting the votes a proposal brought along (see ProposalEvent.heldVotes), their effects first. */
export const afterHeldVotes = (ctx: ConsensusContext, held: Pick<VotesEvent, 'votes' | 'quiet'> | undefined, step: (ctx: ConsensusContext) => Outcome): Outcome => {
  if (held === undefined) return step(ctx)
  const counted = receiveVotes(ctx, held.votes, held.quiet)
  const outcome = step(counted.context)
  return counted.effects.length === 0 ? outcome : { context: outcome.context, effects: [...counted.effects, ...outcome.effects] }
}
