import type { MemberUpdate } from './view.ts'

/**
 * Piggybacked gossip: news about members rides on pings and acks that are sent anyway,
 * so dissemination costs no extra envelopes. Each update is sent a bounded number of
 * times — λ·⌈log2(n + 1)⌉, the SWIM/memberlist retransmit count, enough for an
 * epidemic to reach all n members with high probability — and then dropped.
 */
export interface PendingUpdate {
  readonly update: MemberUpdate
  /** How many messages have carried it so far. */
  readonly sent: number
}

/** Newest first; at most one entry per member (newer news about a member replaces older). */
export type DisseminationQueue = readonly PendingUpdate[]

export const transmissionLimit = (disseminationFactor: number, memberCount: number): number =>
  disseminationFactor * Math.ceil(Math.log2(memberCount + 1))

export const enqueueUpdate = (queue: DisseminationQueue, update: MemberUpdate): DisseminationQueue => [
  { update, sent: 0 },
  ...queue.filter((pending) => pending.update.member !== update.member),
]

/**
 * Takes up to `max` updates for one outgoing message, newest first, skipping news about
 * `recipient` (it knows best about itself; the caller adds a targeted claim when it
 * needs to tell the recipient it is suspected). Updates that reach `limit` sends leave
 * the queue.
 */
export const takePiggyback = (
  queue: DisseminationQueue,
  options: { readonly max: number; readonly limit: number; readonly recipient: string },
): { readonly updates: MemberUpdate[]; readonly queue: DisseminationQueue } => {
  const updates: MemberUpdate[] = []
  if (options.max <= 0 || queue.length === 0) return { updates, queue }
  const next: PendingUpdate[] = []
  for (const pending of queue) {
    if (updates.length < options.max && pending.update.member !== options.recipient) {
      updates.push(pending.update)
      if (pending.sent + 1 < options.limit) next.push({ update: pending.update, sent: pending.sent + 1 })
    } else {
      next.push(pending)
    }
  }
  return { updates, queue: next }
}
