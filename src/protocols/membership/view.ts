/**
 * A node's table of what it believes about every member, and the SWIM precedence rules
 * that decide whether a piece of news replaces what it believes.
 *
 * Each belief is (status, incarnation). Only the member itself ever raises its own
 * incarnation, and it does so to refute a suspicion, so a higher incarnation is always
 * fresher news. At equal incarnation a worse status wins: a suspicion at incarnation i
 * beats "alive at i", and "dead at i" beats both. That makes beliefs totally ordered by
 * (incarnation, rank of status) and applying news a `max`, so every node that hears the
 * same set of updates ends with the same table whatever the order of arrival — the
 * property that lets gossip converge.
 *
 * One extension to the paper's rules: "alive at i" also replaces "dead at j < i". The
 * member list is static (no leave/re-join), so a member declared dead during a partition
 * comes back by refuting with a higher incarnation, as for a suspicion.
 */
export type MemberStatus = 'alive' | 'suspect' | 'dead'

export interface MemberState {
  readonly status: MemberStatus
  readonly incarnation: number
}

export interface MemberUpdate extends MemberState {
  readonly member: string
}

/** Keyed by member id; always iterate through the sorted member list, never the keys. */
export type View = Readonly<Record<string, MemberState>>

const rank: Record<MemberStatus, number> = { alive: 0, suspect: 1, dead: 2 }

/** Whether `next` replaces `current` under SWIM precedence. */
export const supersedes = (next: MemberState, current: MemberState): boolean =>
  next.incarnation > current.incarnation ||
  (next.incarnation === current.incarnation && rank[next.status] > rank[current.status])

/** Every member alive at incarnation 0, self included. */
export const initialView = (members: readonly string[]): View => {
  const view: Record<string, MemberState> = {}
  for (const member of members) view[member] = { status: 'alive', incarnation: 0 }
  return view
}

export type ApplyOutcome =
  /** Stale news, or news about a node outside the member list. */
  | { readonly kind: 'ignored' }
  /** The belief about `member` changed (for self: its own incarnation was adopted). */
  | { readonly kind: 'changed'; readonly member: string; readonly previous: MemberState; readonly next: MemberState }
  /** Self was suspected or declared dead at an incarnation ≥ its own: it now claims a higher one. */
  | { readonly kind: 'refuted'; readonly incarnation: number }

const ignored: ApplyOutcome = { kind: 'ignored' }

/**
 * Applies one update to the view held by `self`. Self is always alive in its own view:
 * hearing itself suspected or dead at incarnation i ≥ its own makes it move to i + 1,
 * which beats that suspicion everywhere once disseminated. Hearing itself alive at a
 * higher incarnation than its own (it restarted and forgot) makes it adopt that number,
 * so that its next refutation is high enough to count.
 */
export const applyUpdate = (view: View, self: string, update: MemberUpdate): { view: View; outcome: ApplyOutcome } => {
  const current = view[update.member]
  if (current === undefined) return { view, outcome: ignored }
  if (update.member === self) {
    if (update.status !== 'alive' && update.incarnation >= current.incarnation) {
      const incarnation = update.incarnation + 1
      return { view: { ...view, [self]: { status: 'alive', incarnation } }, outcome: { kind: 'refuted', incarnation } }
    }
    if (update.status === 'alive' && update.incarnation > current.incarnation) {
      const next: MemberState = { status: 'alive', incarnation: update.incarnation }
      return { view: { ...view, [self]: next }, outcome: { kind: 'changed', member: self, previous: current, next } }
    }
    return { view, outcome: ignored }
  }
  if (!supersedes(update, current)) return { view, outcome: ignored }
  const next: MemberState = { status: update.status, incarnation: update.incarnation }
  return { view: { ...view, [update.member]: next }, outcome: { kind: 'changed', member: update.member, previous: current, next } }
}
