import { membershipCounts, membershipMachine, type MembershipParams } from '../../protocols/membership/index.ts'
import { hostMachine, type HostedMachine } from './machineHost.ts'
import type { ActorToolkit } from './toolkit.ts'

/**
 * Starts the membership protocol inside an actor: every role embeds it to know which
 * peers of its role are alive. Returns the hosted machine and the actor's figures.
 */
export const startMembership = (tk: ActorToolkit, params: MembershipParams) => {
  const machine: HostedMachine<typeof membershipMachine> = hostMachine(
    membershipMachine,
    { self: tk.self.id, members: tk.directory.ofRole(tk.self.role), params, seed: tk.random.int(2 ** 32) },
    tk,
  )
  machine.send({ type: 'start', now: tk.clock.now() })
  return {
    machine,
    figures: (): Record<string, number> => {
      const counts = membershipCounts(machine.snapshot())
      return { peersAlive: counts.alive, peersSuspect: counts.suspect, peersDead: counts.dead }
    },
  }
}

export const isMembershipKind = (kind: string): boolean => kind.startsWith('membership.')
