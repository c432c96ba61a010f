import { STATUS_REPORT, type MembershipParams, type MemberStatus, type MemberUpdate } from '../../protocols/membership/index.ts'
import type { Envelope } from '../../runtime/envelope.ts'
import { startMembership, type HostedMembership } from '../common/membership.ts'
import type { ActorToolkit } from '../common/toolkit.ts'

/**
 * Membership (SWIM) embedded in the validator, as every role embeds it to know which of
 * its peers are alive. The hosted protocol shows only its counts, so each peer's status
 * is taken from the `membership.status` reports the protocol makes at every change of
 * this node's view, on their way to the node's reports (where the membership checks
 * read them too).
 */
export class PeerLiveness {
  private readonly membership: HostedMembership
  /** The latest status of each member whose status changed; the others are alive. */
  private readonly statuses = new Map<string, MemberStatus>()

  constructor(
    tk: ActorToolkit,
    params: MembershipParams,
    /** Told of every change of a peer's status, after it is recorded. */
    private readonly onChange: (peer: string, status: MemberStatus) => void,
  ) {
    const reports = {
      report: (event: string, data: unknown) => {
        tk.reports.report(event, data)
        if (event === STATUS_REPORT) this.observe(data as MemberUpdate, tk.self.id)
      },
    }
    this.membership = startMembership({ ...tk, reports }, params)
  }

  /** Whether this node's membership holds `peer` alive (not suspect, not dead). */
  isLive(peer: string): boolean {
    return (this.statuses.get(peer) ?? 'alive') === 'alive'
  }

  deliver(envelope: Envelope): void {
    this.membership.deliver(envelope)
  }

  timer(name: string, data: unknown): void {
    this.membership.timer(name, data)
  }

  /** peersAlive (this node included, as membership counts), peersSuspect, peersDead. */
  figures(): Record<string, number> {
    return this.membership.figures()
  }

  private observe(update: MemberUpdate, self: string): void {
    if (update.member === self || this.statuses.get(update.member) === update.status) return
    this.statuses.set(update.member, update.status)
    this.onChange(update.member, update.status)
  }
}
