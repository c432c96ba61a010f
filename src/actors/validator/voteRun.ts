import { countQuietly, noQuietVotes, quietVotesInOrder, type ConsensusEvent, type QuietVotes, type SignedVote, type tendermintMachine } from '../../protocols/tendermint/index.ts'
import type { HostedMachine } from '../common/machineHost.ts'

/**
 * Feeds the consensus machine its votes, holding back a run of quiet ones (see
 * src/protocols/tendermint/quietVotes.ts): a vote that no rule can notice yet is counted
 * ahead, and the run goes into the machine as one event when a vote crosses a threshold
 * or before the machine's next event of any other kind. One machine step per run instead
 * of one per vote: with 64 validators a height has 128 votes and a handful of runs.
 */
export class VoteRun {
  private quiet: QuietVotes | undefined
  /** Whether the machine's state allows holding votes back, for the snapshot it was read from. */
  private holding: { readonly snapshot: unknown; readonly allowed: boolean } | undefined

  constructor(private readonly machine: HostedMachine<typeof tendermintMachine>) {}

  /** The round the machine is in. */
  get round(): number {
    return this.machine.snapshot().context.round
  }

  /** Counts `vote` ahead, or sends it (closing the run) when the machine must see it now. */
  offer(vote: SignedVote, now: number): void {
    const snapshot = this.machine.snapshot()
    // Read once per snapshot: XState matches a state by parsing its path, and every vote asks.
    if (this.holding?.snapshot !== snapshot) this.holding = { snapshot, allowed: snapshot.matches('inRound') || snapshot.matches('commit') }
    if (!this.holding.allowed) {
      this.flush(now)
      return this.machine.send({ type: 'tendermint.votes', now, votes: [vote] })
    }
    const run = this.quiet ?? noQuietVotes(snapshot.context)
    const counted = countQuietly(run, vote)
    if (counted !== undefined) {
      this.quiet = counted
      return
    }
    this.quiet = undefined
    this.machine.send({ type: 'tendermint.votes', now, votes: [...quietVotesInOrder(run), vote], quiet: run })
  }

  /** Sends `event`, after the votes held back (a proposal takes them along): the machine must count them first. */
  send(event: ConsensusEvent): void {
    const run = this.quiet
    if (run !== undefined && event.type === 'tendermint.proposal') {
      this.quiet = undefined
      return this.machine.send({ ...event, heldVotes: { votes: quietVotesInOrder(run), quiet: run } })
    }
    this.flush(event.now)
    this.machine.send(event)
  }

  private flush(now: number): void {
    const run = this.quiet
    if (run === undefined) return
    this.quiet = undefined
    this.machine.send({ type: 'tendermint.votes', now, votes: quietVotesInOrder(run), quiet: run })
  }
}
