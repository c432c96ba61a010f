import { createActor, type AnyActorLogic, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate'
import type { Envelope } from '../../runtime/envelope.ts'
import type { ProtocolEffect } from '../../protocols/effects.ts'
import type { MessageEvent } from '../../protocols/events.ts'
import { performEffect } from './performEffect.ts'
import type { ActorToolkit } from './toolkit.ts'

/** A protocol machine running inside an actor, with its emitted effects carried out. */
export interface HostedMachine<TLogic extends AnyActorLogic> {
  send(event: EventFromLogic<TLogic>): void
  /** Hands a delivered envelope to the machine as `{type: kind, now, from, id, re?, body}`. */
  deliver(envelope: Envelope): void
  /** Hands a fired timer to the machine as `{type: 'timer', now, name, data}`. */
  timer(name: string, data: unknown): void
  snapshot(): SnapshotFrom<TLogic>
  stop(): void
}

/**
 * Starts a protocol's XState logic (a machine, or transition logic for single-state
 * protocols) whose actions `emit` ProtocolEffects, and performs each one.
 * A machine that errors is a crash of the actor: the error is rethrown synchronously so
 * the supervisor sees it (XState alone would leave the actor silently dead).
 */
export const hostMachine = <TLogic extends AnyActorLogic>(
  machine: TLogic,
  input: InputFrom<TLogic>,
  tk: ActorToolkit,
  /** Handles the effects a role treats specially (signing, applying blocks); true = handled. */
  intercept?: (effect: ProtocolEffect) => boolean,
): HostedMachine<TLogic> => {
  const actor = createActor(machine, { input })
  actor.on('*', (emitted) => {
    const effect = emitted as unknown as ProtocolEffect
    if (intercept?.(effect) !== true) performEffect(tk, effect)
  })
  const send = (event: EventFromLogic<TLogic>): void => {
    actor.send(event)
    const snapshot = actor.getSnapshot() as { status: string; error?: unknown }
    if (snapshot.status === 'error') throw snapshot.error instanceof Error ? snapshot.error : new Error(String(snapshot.error))
  }
  actor.start()
  return {
    send,
    deliver: (envelope) => send(messageEvent(envelope, tk.clock.now()) as unknown as EventFromLogic<TLogic>),
    timer: (name, data) => send({ type: 'timer', now: tk.clock.now(), name, data } as unknown as EventFromLogic<TLogic>),
    snapshot: () => actor.getSnapshot(),
    stop: () => actor.stop(),
  }
}

/** A delivered envelope as the event a protocol receives: `{type: kind, now, from, id, re?, body}`. */
export const messageEvent = (envelope: Envelope, now: number): MessageEvent =>
  envelope.re === undefined
    ? { type: envelope.kind, now, from: envelope.from, id: envelope.id, body: envelope.body }
    : { type: envelope.kind, now, from: envelope.from, id: envelope.id, re: envelope.re, body: envelope.body }
