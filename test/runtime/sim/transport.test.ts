import { Effect, Schema } from 'effect'
import { describe, expect, it } from 'vitest'
import { actorToolkit, type ActorToolkit } from '../../../src/actors/common/toolkit.ts'
import type { ActorDef } from '../../../src/runtime/actor.ts'
import { toRole } from '../../../src/runtime/address.ts'
import type { RequestOutcome } from '../../../src/runtime/services.ts'
import { fault, networkModel, nodeOf, simulate } from '../../support/simHarness.ts'

const kinds = {
  't.ask': Schema.Struct({ n: Schema.Number }),
  't.answer': Schema.Struct({ n: Schema.Number }),
  't.blob': Schema.Struct({ data: Schema.Uint8ArrayFromSelf }),
}

/** Answers `t.ask` after `delay` µs (or never, if undefined). */
const responder = (delay: number | undefined): ActorDef => ({
  role: 'responder',
  kinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const pending = new Map<string, import('../../../src/runtime/envelope.ts').Envelope>()
    return {
      onMessage: (envelope) => {
        if (envelope.kind !== 't.ask' || delay === undefined) return
        pending.set(envelope.id, envelope)
        tk.timers.set(`answer:${envelope.id}`, delay, envelope.id)
      },
      onTimer: (_name, id) => {
        const request = pending.get(id as string)!
        pending.delete(id as string)
        tk.transport.reply(request, 't.answer', request.body)
      },
    }
  }),
})

/** Asks `to` once at t = 10 ms and keeps the outcome and the time it arrived. */
const asker = (to: string, timeout: number, outcomes: { at: number; outcome: RequestOutcome }[]): ActorDef => ({
  role: 'asker',
  kinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    tk.timers.set('ask', 10_000)
    return {
      onMessage: () => {},
      onTimer: () => tk.transport.request(to, 't.ask', { n: 1 }, timeout, (outcome) => outcomes.push({ at: tk.clock.now(), outcome })),
    }
  }),
})

describe('request/reply', () => {
  it('delivers the reply to the callback, once', () => {
    const outcomes: { at: number; outcome: RequestOutcome }[] = []
    simulate({ nodes: [nodeOf('r', responder(5_000)), nodeOf('a', asker('r', 100_000, outcomes))], duration: 1_000_000 })
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.outcome.ok).toBe(true)
    // Two 1 ms hops and the 5 ms think time, plus about a microsecond of wire time per hop.
    expect(outcomes[0]!.at).toBeGreaterThanOrEqual(10_000 + 1_000 + 5_000 + 1_000)
    expect(outcomes[0]!.at).toBeLessThan(10_000 + 1_000 + 5_000 + 1_000 + 10)
  })

  it('times out when the reply comes too late, and ignores the late reply', () => {
    const outcomes: { at: number; outcome: RequestOutcome }[] = []
    simulate({ nodes: [nodeOf('r', responder(200_000)), nodeOf('a', asker('r', 50_000, outcomes))], duration: 1_000_000 })
    expect(outcomes).toEqual([{ at: 60_000, outcome: { ok: false, error: 'timeout' } }])
  })

  it('fails at once with no-responders when the target is down', () => {
    const outcomes: { at: number; outcome: RequestOutcome }[] = []
    simulate({
      nodes: [nodeOf('r', responder(1_000)), nodeOf('a', asker('r', 50_000, outcomes))],
      faults: [fault(0, { type: 'crash', node: 'r' })],
      duration: 1_000_000,
    })
    expect(outcomes).toEqual([{ at: 10_000, outcome: { ok: false, error: 'no-responders' } }])
  })

  it('"any live actor of a role" reaches only live ones', () => {
    const outcomes: { at: number; outcome: RequestOutcome }[] = []
    const { recorder } = simulate({
      nodes: [nodeOf('r0', responder(1_000)), nodeOf('r1', responder(1_000)), nodeOf('r2', responder(1_000)), nodeOf('a', asker(toRole('responder'), 50_000, outcomes))],
      faults: [fault(0, { type: 'crash', node: 'r0' }), fault(0, { type: 'crash', node: 'r2' })],
      duration: 1_000_000,
    })
    expect(outcomes[0]!.outcome.ok).toBe(true)
    const asked = recorder.events().filter((e) => e.type === 'deliver' && e.kind === 't.ask')
    expect(asked.map((e) => e.to)).toEqual(['r1'])
  })
})

/** An actor that does one thing, once, shortly after it starts. */
const once = (act: (tk: ActorToolkit) => void): ActorDef => ({
  role: 'sender',
  kinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    tk.timers.set('act', 1_000)
    return { onMessage: () => {}, onTimer: () => act(tk) }
  }),
})

describe('the wire in simulation', () => {
  it('a message that cannot be encoded crashes the sending actor (as it would on a real wire)', () => {
    const sender = once((tk) => tk.transport.send('r', 't.ask', { n: Number.NaN }))
    const { sim } = simulate({ nodes: [nodeOf('r', responder(1)), nodeOf('s', sender)], duration: 100_000 })
    expect(sim.node('s')!.metricsByActor.get('s')!.counters.get('actor.crashes')).toBeGreaterThan(0)
    expect(sim.logs.some((l) => l.actor === 's' && l.level === 'error')).toBe(true)
  })

  it('a body that breaks its schema is dropped at the receiver with a decode error, never delivered', () => {
    const sender = once((tk) => tk.transport.send('r', 't.ask', { n: 'not a number' }))
    const { sim, recorder } = simulate({ nodes: [nodeOf('r', responder(1)), nodeOf('s', sender)], duration: 100_000 })
    expect(sim.counters.decodeErrors).toBe(1)
    expect(recorder.events().filter((e) => e.type === 'drop').map((e) => e.note)).toEqual(['decode:schema'])
    expect(recorder.events().some((e) => e.type === 'deliver' && e.kind === 't.ask')).toBe(false)
  })

  it('bulk payloads take their size over the link bandwidth', () => {
    const arrivals: number[] = []
    const receiver: ActorDef = {
      role: 'receiver',
      kinds,
      start: Effect.gen(function* () {
        const tk = yield* actorToolkit
        return { onMessage: (e) => void (e.kind === 't.blob' && arrivals.push(tk.clock.now())) }
      }),
    }
    const sender = once((tk) => tk.bulk.send('r', 't.blob', { data: new Uint8Array(8 * 1024 * 1024) }))
    simulate({ nodes: [nodeOf('r', receiver), nodeOf('s', sender)], network: networkModel({ bandwidth: 125_000_000 }), duration: 2_000_000 })
    expect(arrivals).toHaveLength(1)
    // Sent at 1 ms: 8 MiB plus the envelope around it at 1 Gbit/s ≈ 67 ms, plus 1 ms of latency.
    expect(arrivals[0]).toBeGreaterThan(69_000)
    expect(arrivals[0]).toBeLessThan(70_000)
  })
})
