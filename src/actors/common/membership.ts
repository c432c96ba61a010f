import { membershipCounts, membershipMachine, type MembershipParams } from '../../protocols/membership/index.ts'
import type { Envelope } from '../../runtime/envelope.ts'
import { hostMachine } from './machineHost.ts'
import type { ActorToolkit } from './toolkit.ts'

/** The membership protocol running inside an actor. */
export interface HostedMembership {
  /** Hands a delivered membership envelope to the protocol. */
  deliver(envelope: Envelope): void
  /** Hands a fired timer to the protocol. */
  timer(name: string, data: unknown): void
  figures(): Record<string, number>
}

/**
 * Starts the membership protocol inside an actor: every role embeds it to know which
 * peers of its role are alive. The protocol runs as an XState actor over its transition
 * logic, and the host performs the effects each step emits.
 */
export const startMembership = (tk: ActorToolkit, params: MembershipParams): HostedMembership => {
  const machine = hostMachine(membershipMachine, { self: tk.self.id, members: tk.directory.ofRole(tk.self.role), params, seed: tk.random.int(2 ** 32) }, tk)
  machine.send({ type: 'start', now: tk.clock.now() })
  return {
    deliver: machine.deliver,
    timer: machine.timer,
    figures: () => {
      const counts = membershipCounts(machine.snapshot())
      return { peersAlive: counts.alive, peersSuspect: counts.suspect, peersDead: counts.dead }
    },
  }
}

export const isMembershipKind = (kind: string): boolean => kind.startsWith('membership.')
