import { Effect, Schema } from 'effect'
import type { ActorDef } from '../../src/runtime/actor.ts'
import { actorToolkit } from '../../src/actors/common/toolkit.ts'

/** Kinds the test actors speak. */
export const testKinds = {
  'test.ping': Schema.Struct({ n: Schema.Number }),
  'test.boom': Schema.Struct({}),
}

/**
 * Sends `test.ping` to `target` every `every` µs, counts what it receives, crashes on
 * `test.boom`, and keeps a durable count of received pings (synced every `syncEvery`).
 */
export const pinger = (options: { target?: string; every?: number; syncEvery?: number; crashOnStart?: () => boolean } = {}): ActorDef => ({
  role: 'pinger',
  kinds: testKinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    if (options.crashOnStart?.() === true) throw new Error('cannot start')
    const stored = tk.store.get('received')
    let received = stored === undefined ? 0 : new DataView(stored.buffer, stored.byteOffset).getUint32(0)
    const startedWith = received
    let sent = 0
    let lastN = -1
    if (options.target !== undefined) tk.timers.set('tick', options.every ?? 10_000)
    return {
      onMessage: (envelope) => {
        if (envelope.kind === 'test.boom') throw new Error(`boom from ${envelope.from}`)
        received++
        lastN = (envelope.body as { n: number }).n
        const bytes = new Uint8Array(4)
        new DataView(bytes.buffer).setUint32(0, received)
        tk.store.put('received', bytes)
        if (options.syncEvery !== undefined && received % options.syncEvery === 0) tk.store.sync()
      },
      onTimer: () => {
        tk.timers.set('tick', options.every ?? 10_000)
        tk.transport.send(options.target!, 'test.ping', { n: sent++ })
      },
      figures: () => ({ received, sent, startedWith, lastN }),
    }
  }),
})

/** Sends one `test.boom` to `target` at each of the given local times. */
export const bomber = (target: string, at: readonly number[]): ActorDef => ({
  role: 'bomber',
  kinds: testKinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    at.forEach((t, i) => tk.timers.set(`boom-${i}`, t))
    return {
      onMessage: () => {},
      onTimer: () => tk.transport.send(target, 'test.boom', {}),
    }
  }),
})
