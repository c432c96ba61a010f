import { Effect, Schema } from 'effect'
import { afterEach, describe, expect, it } from 'vitest'
import { actorToolkit } from '../../src/actors/common/toolkit.ts'
import type { ActorDef } from '../../src/runtime/actor.ts'
import { encodeEnvelope } from '../../src/runtime/codec/envelopeCodec.ts'
import { signingKeyFromSeed, type SigningKey } from '../../src/runtime/crypto/ed25519.ts'
import { signEnvelope } from '../../src/runtime/crypto/envelopeSignature.ts'
import { JsonLog } from '../../src/runtime/process/jsonLog.ts'
import { NetworkPlan } from '../../src/runtime/process/nodePlan.ts'
import { Presence } from '../../src/runtime/process/presence.ts'
import { ProcessEnvironment, type Wire } from '../../src/runtime/process/processEnvironment.ts'
import { subjectsOf } from '../../src/runtime/process/subjects.ts'
import type { RequestOutcome } from '../../src/runtime/services.ts'
import { MemoryStore } from '../../src/runtime/store/memoryStore.ts'
import { defaultSupervisorSpec } from '../../src/runtime/supervisor.ts'
import { bomber, pinger } from '../support/testActors.ts'
import { waitFor } from './support/processDevnet.ts'

/**
 * ProcessEnvironment with real timers and supervision, over an in-memory stand-in for
 * NATS (subjects, `*` wildcards, queue groups, delivery on a later turn): what it does
 * with envelopes, bad bytes, crashes and requests, without processes or a server.
 */
class MemoryBus {
  private subs: { subject: string; queue: string | undefined; handler: (bytes: Uint8Array) => void }[] = []

  wire(): Wire {
    return {
      publish: (subject, bytes) => void setImmediate(() => this.deliver(subject, bytes)),
      subscribe: (subject, queue, handler) => {
        const entry = { subject, queue, handler }
        this.subs.push(entry)
        return { unsubscribe: () => void (this.subs = this.subs.filter((s) => s !== entry)) }
      },
    }
  }

  private deliver(subject: string, bytes: Uint8Array): void {
    const matches = this.subs.filter((s) => s.subject === subject || (s.subject.endsWith('.*') && subject.startsWith(s.subject.slice(0, -1)) && !subject.slice(s.subject.length - 1).includes('.')))
    const groups = new Set<string>()
    for (const s of matches) {
      if (s.queue !== undefined) {
        if (groups.has(s.queue)) continue
        groups.add(s.queue)
      }
      s.handler(bytes)
    }
  }
}

const NETWORK = 'unit'
const subjects = subjectsOf(NETWORK)

const askKinds = { 'test.ask': Schema.Struct({}), 'test.answer': Schema.Struct({}) }

/** Asks `target` every 100 ms until it answers; answers whoever asks it. */
const requester = (target: string, outcomes: RequestOutcome[]): ActorDef => ({
  role: 'requester',
  kinds: askKinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    tk.timers.set('ask', 0)
    return {
      onMessage: (envelope) => {
        if (envelope.kind === 'test.ask') tk.transport.reply(envelope, 'test.answer', {})
      },
      onTimer: () =>
        tk.transport.request(target, 'test.ask', {}, 5_000_000, (outcome) => {
          outcomes.push(outcome)
          if (!outcome.ok) tk.timers.set('ask', 100_000)
        }),
    }
  }),
})

interface TestNode {
  readonly env: ProcessEnvironment
  readonly presence: Presence
  readonly stores: Map<string, MemoryStore>
  readonly failures: string[]
}

const keys = new Map<string, SigningKey>(['a', 'b', 'c'].map((id, i) => [id, signingKeyFromSeed(new Uint8Array(32).fill(i + 1))]))
const running: TestNode[] = []

const startNode = (plan: NetworkPlan, id: string, bus: MemoryBus): TestNode => {
  const wire = bus.wire()
  const signer = keys.get(id)!
  const presence = new Presence({
    self: id,
    signer,
    publicKeyOf: (node) => keys.get(node)?.publicKey,
    publish: (bytes) => wire.publish(subjects.presence(id), bytes),
    onInvalid: () => {},
    interval: 100,
    staleAfter: 1_000,
    now: () => performance.now(),
  })
  wire.subscribe(subjects.presenceAll, undefined, (bytes) => presence.receive(bytes))
  const self = plan.node(id)!
  const stores = new Map(self.actors.map((a) => [a.id, new MemoryStore()]))
  const failures: string[] = []
  const env = new ProcessEnvironment({
    self,
    plan,
    subjects,
    supervisor: defaultSupervisorSpec,
    limits: { maxMessageBytes: 64 * 1024, maxBulkBytes: 1024 * 1024, mailbox: { capacity: 16, overflow: 'drop-newest' } },
    runSeed: 7,
    signer,
    stores,
    log: new JsonLog(id, 'error', () => {}),
    wire,
    presence,
    bulk: { send: async () => {} },
    onFailed: (reason) => void failures.push(reason),
  })
  env.listen()
  env.start()
  presence.start()
  const node = { env, presence, stores, failures }
  running.push(node)
  return node
}

const planOf = (defs: Record<string, ActorDef>): NetworkPlan =>
  new NetworkPlan(Object.entries(defs).map(([id, def]) => ({ id, role: def.role, params: {}, publicKey: keys.get(id)!.publicKey, actors: [{ id, def }] })))

afterEach(() => {
  for (const node of running.splice(0)) {
    node.env.stop()
    node.presence.leave()
  }
})

describe('ProcessEnvironment', () => {
  it('carries signed envelopes between nodes and restarts a crashed actor, which recovers its store', async () => {
    const bus = new MemoryBus()
    const plan = planOf({ a: pinger({ target: 'b', every: 10_000 }), b: pinger({ syncEvery: 1 }), c: bomber('b', [300_000]) })
    startNode(plan, 'a', bus)
    const b = startNode(plan, 'b', bus)
    const figures = () => b.env.hosts[0]!.figures()
    await waitFor(async () => ((figures().received ?? 0) >= 5 ? true : undefined), 5_000, () => `b to receive pings: ${JSON.stringify(figures())}`)
    startNode(plan, 'c', bus)
    await waitFor(async () => (b.env.restarts === 1 && b.env.hosts[0]!.running ? true : undefined), 5_000, () => 'b to crash on test.boom and be restarted')
    expect(b.env.metrics('b').counters.get('actor.crashes')).toBe(1)
    // The restarted actor starts from what it had synced, then keeps counting.
    expect(figures().startedWith).toBeGreaterThanOrEqual(5)
    expect(b.failures).toEqual([])
  })

  it('counts and drops junk, forged signatures, strangers and misrouted envelopes', async () => {
    const bus = new MemoryBus()
    const plan = planOf({ a: pinger(), b: pinger() })
    const b = startNode(plan, 'b', bus)
    const wire = bus.wire()
    const ping = { v: 1, id: 'a#1.1', from: 'a', to: 'b', kind: 'test.ping', at: 1, body: { n: 1 } }
    wire.publish(subjects.actor('b'), new Uint8Array([0xa1, 0x00]))
    wire.publish(subjects.actor('b'), encodeEnvelope(signEnvelope(ping, keys.get('c')!)))
    wire.publish(subjects.actor('b'), encodeEnvelope(signEnvelope({ ...ping, from: 'zed' }, keys.get('a')!)))
    wire.publish(subjects.actor('b'), encodeEnvelope(signEnvelope({ ...ping, to: 'a' }, keys.get('a')!)))
    wire.publish(subjects.actor('b'), encodeEnvelope(signEnvelope(ping, keys.get('a')!)))
    const counters = b.env.metrics('b').counters
    await waitFor(async () => (counters.get('envelopes.received') === 1 ? true : undefined), 5_000, () => `one good delivery: ${JSON.stringify([...counters])}`)
    expect(Object.fromEntries(counters)).toEqual({
      'decode.errors': 1,
      'signature.errors': 1,
      'envelopes.unknown-sender': 1,
      'envelopes.misrouted': 1,
      'envelopes.received': 1,
    })
    expect(b.env.hosts[0]!.figures().lastN).toBe(1)
  })

  it('answers requests, and fails them at once with no-responders when the target node is down', async () => {
    const bus = new MemoryBus()
    const outcomes: RequestOutcome[] = []
    const plan = planOf({ a: requester('b', outcomes), b: requester('a', []) })
    const a = startNode(plan, 'a', bus)
    await waitFor(async () => outcomes[0], 2_000, () => 'an outcome while b is down')
    expect(outcomes[0]).toEqual({ ok: false, error: 'no-responders' })
    expect(a.env.hasResponders('b')).toBe(false)
    startNode(plan, 'b', bus)
    const answered = await waitFor(async () => outcomes.find((o) => o.ok), 5_000, () => `an answer once b is up: ${JSON.stringify(outcomes)}`)
    expect(answered.ok && answered.reply.kind).toBe('test.answer')
    expect(outcomes.every((o) => o.ok || o.error === 'no-responders')).toBe(true)
    expect(a.env.hasResponders('b')).toBe(true)
    expect(a.env.hasResponders('role:requester')).toBe(true)
    expect(a.env.hasResponders('role:validator')).toBe(false)
  })
})
