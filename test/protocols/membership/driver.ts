import { createActor } from 'xstate'
import type { ProtocolEffect, EffectOf } from '../../../src/protocols/effects.ts'
import { membershipMachine, type MembershipEvent, type MembershipInput } from '../../../src/protocols/membership/machine.ts'
import type { MemberUpdate } from '../../../src/protocols/membership/view.ts'

export interface WireBody {
  readonly seq: number
  readonly incarnation: number
  readonly target?: string
  readonly updates: readonly MemberUpdate[]
}

/**
 * One membership machine driven by hand: the test plays the network and the clock.
 * Timers the machine sets are kept so a test can fire them at their due time; nothing
 * else is simulated.
 */
export class Driver {
  readonly all: ProtocolEffect[] = []
  now = 0
  private readonly actor
  private readonly timers = new Map<string, { at: number; data: unknown }>()

  constructor(input: MembershipInput) {
    this.actor = createActor(membershipMachine, { input })
    this.actor.on('*', (effect) => {
      this.all.push(effect)
      if (effect.type === 'setTimer') this.timers.set(effect.name, { at: this.now + effect.after, data: effect.data })
      if (effect.type === 'cancelTimer') this.timers.delete(effect.name)
    })
    this.actor.start()
  }

  get snapshot() {
    return this.actor.getSnapshot()
  }

  /** Feeds one event at the current time; returns the effects it produced. */
  feed(event: MembershipEvent): ProtocolEffect[] {
    const from = this.all.length
    this.actor.send(event)
    return this.all.slice(from)
  }

  start(): ProtocolEffect[] {
    return this.feed({ type: 'start', now: this.now })
  }

  pending(name: string): { at: number; data: unknown } | undefined {
    return this.timers.get(name)
  }

  /** Advances the clock to the timer's due time and fires it. */
  fire(name: string): ProtocolEffect[] {
    const timer = this.timers.get(name)
    if (timer === undefined) throw new Error(`timer ${name} is not pending`)
    this.timers.delete(name)
    this.now = Math.max(this.now, timer.at)
    return this.feed({ type: 'timer', now: this.now, name, data: timer.data })
  }

  receive(kind: 'membership.ping' | 'membership.ack' | 'membership.ping-req', from: string, body: WireBody, after = 1_000): ProtocolEffect[] {
    this.now += after
    return this.feed({ type: kind, now: this.now, from, id: `${from}-${this.all.length}`, body } as MembershipEvent)
  }
}

export const sends = (effects: readonly ProtocolEffect[], kind?: string) =>
  effects.filter((e): e is EffectOf<'send'> => e.type === 'send' && (kind === undefined || e.kind === kind)).map((e) => ({ ...e, body: e.body as WireBody }))

export const statusReports = (effects: readonly ProtocolEffect[]) =>
  effects.filter((e): e is EffectOf<'report'> => e.type === 'report' && e.event === 'membership.status').map((e) => e.data as MemberUpdate)

export const counted = (effects: readonly ProtocolEffect[], metric: string): number =>
  effects.filter((e): e is EffectOf<'count'> => e.type === 'count' && e.metric === metric).reduce((sum, e) => sum + (e.by ?? 1), 0)
