import { createHash } from 'node:crypto'
import { Data, Either } from 'effect'
import { parseDestination, type ActorId, type Destination } from '../address.ts'
import { ActorHost, type HostEnvironment } from '../actorHost.ts'
import { decodeEnvelope, encodeEnvelope } from '../codec/envelopeCodec.ts'
import { signEnvelope, verifyEnvelope } from '../crypto/envelopeSignature.ts'
import type { SigningKey } from '../crypto/ed25519.ts'
import type { Envelope } from '../envelope.ts'
import { Mailbox, type OverflowPolicy } from '../mailbox.ts'
import { MetricsBook } from '../metricsBook.ts'
import { actorRandom, type SeededRandom } from '../random.ts'
import type { DirectoryService, KeyService, LogService, ReportService, StoreService } from '../services.ts'
import { Supervisor, type SupervisorSpec } from '../supervisor.ts'
import type { Micros } from '../time.ts'
import { reportBytes, type InputItem, type RecordedItem } from '../live/recording.ts'
import type { JsonLog } from './jsonLog.ts'
import type { NetworkPlan, NodePlan } from './nodePlan.ts'
import type { Presence } from './presence.ts'
import type { Subjects } from './subjects.ts'
import { WallTimers } from './wallTimers.ts'
import { wallMicros } from './wallClock.ts'

/** What the environment needs from NATS: plain subjects, bytes in and out. */
export interface Wire {
  /** Fire and forget; throws when the connection is closed. */
  publish(subject: string, bytes: Uint8Array): void
  subscribe(subject: string, queue: string | undefined, onMessage: (bytes: Uint8Array) => void): { unsubscribe(): void }
}

export interface BulkSender {
  send(publicKey: Uint8Array, addresses: readonly string[], bytes: Uint8Array): Promise<void>
}

export interface ProcessLimits {
  readonly maxMessageBytes: number
  readonly maxBulkBytes: number
  readonly mailbox: { readonly capacity: number; readonly overflow: OverflowPolicy }
}

export interface ProcessEnvironmentConfig {
  readonly self: NodePlan
  readonly plan: NetworkPlan
  readonly subjects: Subjects
  readonly supervisor: SupervisorSpec
  readonly limits: ProcessLimits
  /** Seeds every actor's Random (recorded in the log, so a live run's draws can be reproduced). */
  readonly runSeed: number
  readonly signer: SigningKey
  readonly stores: ReadonlyMap<ActorId, StoreService>
  readonly log: JsonLog
  readonly wire: Wire
  readonly presence: Presence
  readonly bulk: BulkSender
  /** The supervisor gave up: the node cannot go on. */
  readonly onFailed: (reason: string) => void
  /** Taps every input, answer and outcome of the node for a live recording (src/runtime/live). */
  readonly recorder?: { record(item: RecordedItem): void }
}

export class EnvelopeTooLarge extends Data.TaggedError('EnvelopeTooLarge')<{ readonly kind: string; readonly size: number; readonly limit: number; readonly channel: string }> {
  override get message(): string {
    return `envelope ${this.kind} of ${this.size} bytes exceeds the ${this.channel} limit of ${this.limit} bytes (see limits in the network file)`
  }
}

/** Which subscription an envelope came in on; its `to` must agree. */
type Arrival = { readonly type: 'actor'; readonly id: ActorId } | { readonly type: 'topic'; readonly topic: string } | { readonly type: 'role'; readonly role: string } | { readonly type: 'bulk' }

interface Queued {
  readonly host: ActorHost
  readonly envelope: Envelope
  readonly bytes: Uint8Array
}

/**
 * A node runs for days: its distributions keep the latest observations for quantiles
 * (count and mean cover all), so memory and the cost of a status request stay bounded.
 */
const METRICS_WINDOW = 4096

export type NodeState = 'starting' | 'up' | 'failed' | 'stopping'

/**
 * Process mode's HostEnvironment: the node's actors under their supervisor, with the wall
 * clock, real timers, NATS for envelopes, libp2p for bulk, LMDB stores and JSON logs.
 * The process counterpart of SimNode; actor code cannot tell the two apart.
 *
 * Every envelope is signed with the node key and encoded with `encodeEnvelope` on the way
 * out; on the way in it is strictly decoded, its `to` checked against the subject it came
 * on, and — when an actor here is to receive it — its signature checked against the
 * sending node's key from the network file. Whatever fails is counted on the addressed
 * actor (`decode.errors`, `signature.errors`, `envelopes.misrouted`,
 * `envelopes.unknown-sender`) and dropped: bad input never reaches an actor and never
 * stops the node.
 *
 * Every turn of an actor (its start, a delivery, a timer, the final stop) runs through
 * `turn`, where time stands still: the actor's Clock reads the instant the turn began, as
 * in simulation. That, and the recorder tapping each turn's input, the answers the node
 * gives (presence, signatures) and the actor's outcomes (envelopes, reports, crashes), is
 * what lets a live run be replayed exactly (src/runtime/live, docs/process-mode.md).
 */
export class ProcessEnvironment implements HostEnvironment {
  readonly hosts: readonly ActorHost[]
  readonly supervisor: Supervisor
  readonly metricsByActor = new Map<ActorId, MetricsBook>()
  readonly startedAt = wallMicros()
  restarts = 0
  private supervisorCalls = 0
  private state: NodeState = 'starting'
  /** The instant the current turn began; undefined between turns. */
  private turnAt: Micros | undefined
  private readonly hostById = new Map<ActorId, ActorHost>()
  private readonly randoms = new Map<ActorId, SeededRandom>()
  private readonly mailbox: Mailbox<Queued>
  private readonly timers = new WallTimers()
  private readonly topics = new Map<string, { readonly actors: Set<ActorId>; readonly subscription: { unsubscribe(): void } }>()
  private readonly subscriptions: { unsubscribe(): void }[] = []

  constructor(private readonly config: ProcessEnvironmentConfig) {
    this.mailbox = new Mailbox<Queued>(config.limits.mailbox.capacity, config.limits.mailbox.overflow)
    this.hosts = config.self.actors.map((a) => new ActorHost(a.id, a.def, config.self.params, this))
    for (const host of this.hosts) this.hostById.set(host.id, host)
    this.supervisor = new Supervisor(
      config.supervisor,
      this.hosts.map((host) => ({
        id: host.id,
        start: () => {
          this.turn(host, ['start', wallMicros(), host.id], () => host.start())
          this.drainMailbox()
        },
        halt: () => host.halt(),
      })),
      // Each pending restart is its own timer: a second failure must not replace the first one's restart.
      { now: wallMicros, after: (delay, label, fire) => this.timers.after(`supervisor\0${label}\0${++this.supervisorCalls}`, delay, fire) },
      this.random(`${config.self.id}#supervisor`),
      {
        restarting: (ids, delay, reason) => {
          this.restarts += ids.length
          this.metrics(config.self.id).count('supervisor.restarts', ids.length)
          config.log.write('warn', `restarting ${ids.join(', ')} in ${Math.round(delay / 1000)}ms`, { reason: String(reason) })
        },
        escalated: (reason) => {
          this.state = 'failed'
          config.log.write('error', 'supervisor gave up: too many restarts', { reason: String(reason) })
          config.onFailed(String(reason))
        },
      },
    )
  }

  get status(): NodeState {
    return this.state
  }

  /**
   * Subscribes the node's actor and role subjects. Envelopes that arrive before `start`
   * wait in the mailbox; the split lets the node check that the server accepted the
   * subscriptions before any actor runs.
   */
  listen(): void {
    const { wire, subjects } = this.config
    for (const host of this.hosts) {
      this.subscriptions.push(wire.subscribe(subjects.actor(host.id), undefined, (bytes) => this.receive(bytes, { type: 'actor', id: host.id })))
    }
    for (const role of new Set(this.hosts.map((h) => h.def.role))) {
      this.subscriptions.push(wire.subscribe(subjects.role(role), subjects.roleQueue(role), (bytes) => this.receive(bytes, { type: 'role', role })))
    }
  }

  /** Starts the actors under their supervisor. */
  start(): void {
    const { self } = this.config
    this.state = 'up'
    this.config.log.write('info', 'starting actors', { actors: self.actors.map((a) => a.id), runSeed: this.config.runSeed })
    this.supervisor.start()
  }

  /** Clean stop: every actor's onStop runs, pending timers and restarts are dropped. */
  stop(): void {
    if (this.state === 'stopping') return
    this.state = 'stopping'
    const at = wallMicros()
    this.config.recorder?.record(['stop', at])
    this.turnAt = at
    for (const host of this.hosts) host.stop()
    this.turnAt = undefined
    this.supervisor.halt()
    this.timers.clear()
    this.mailbox.clear()
    for (const sub of this.subscriptions) sub.unsubscribe()
    for (const { subscription } of this.topics.values()) subscription.unsubscribe()
  }

  /** Envelope bytes from NATS (`via` says which subscription) or from the bulk channel. */
  receive(bytes: Uint8Array, via: Arrival): void {
    if (this.state !== 'up' && this.state !== 'starting') return
    const limit = via.type === 'bulk' ? this.config.limits.maxBulkBytes : this.config.limits.maxMessageBytes
    const decoded = decodeEnvelope(bytes, this.config.plan.registry, limit)
    if (Either.isLeft(decoded)) {
      this.drop(via, 'decode.errors', decoded.left.message)
      return
    }
    const envelope = decoded.right
    const sender = this.config.plan.nodeOf(envelope.from)
    if (sender === undefined) return this.drop(via, 'envelopes.unknown-sender', `from ${envelope.from}, which no node of the network runs`)
    const recipients = this.recipients(envelope, via)
    if (recipients === undefined) return this.drop(via, 'envelopes.misrouted', `${envelope.kind} to ${envelope.to} arrived on the ${via.type} subscription`)
    // Nobody here to give it to — typically this node's own topic envelope, which the server
    // echoes back (a quarter of what a validator's node receives): no signature check for it.
    if (recipients.length === 0) return
    if (!verifyEnvelope(envelope, sender.publicKey)) return this.drop(via, 'signature.errors', `${envelope.kind} from ${envelope.from} is not signed by ${sender.id}'s key`)
    for (const host of recipients) this.arrive(host, envelope, bytes)
  }

  // --- HostEnvironment ---

  get directory(): DirectoryService {
    return this.config.plan.directory
  }

  now(): Micros {
    return this.turnAt ?? wallMicros()
  }

  scheduleTimer(host: ActorHost, name: string, token: number, after: Micros): void {
    this.timers.after(`${host.id}\0${name}`, after, () => this.timerDue(host, name, token))
  }

  transmit(envelope: Envelope, channel: 'message' | 'bulk'): void {
    const bytes = encodeEnvelope(signEnvelope(envelope, this.config.signer))
    const limit = channel === 'bulk' ? this.config.limits.maxBulkBytes : this.config.limits.maxMessageBytes
    if (bytes.length > limit) throw new EnvelopeTooLarge({ kind: envelope.kind, size: bytes.length, limit, channel })
    this.config.recorder?.record(['sent', envelope.from, channel, bytes])
    if (channel === 'bulk') return this.transmitBulk(envelope, bytes)
    try {
      this.config.wire.publish(this.subjectOf(envelope.to), bytes)
    } catch (error) {
      this.metrics(envelope.from).count('transport.errors')
      this.config.log.write('warn', 'cannot publish', { kind: envelope.kind, to: envelope.to, error: (error as Error).message }, envelope.from)
    }
  }

  subscribe(actor: ActorId, topic: string): void {
    let entry = this.topics.get(topic)
    if (entry === undefined) {
      const subscription = this.config.wire.subscribe(this.config.subjects.topic(topic), undefined, (bytes) => this.receive(bytes, { type: 'topic', topic }))
      this.topics.set(topic, (entry = { actors: new Set(), subscription }))
    }
    entry.actors.add(actor)
    this.config.presence.setTopics(this.topics.keys())
  }

  unsubscribe(actor: ActorId, topic: string): void {
    const entry = this.topics.get(topic)
    if (entry === undefined || !entry.actors.delete(actor) || entry.actors.size > 0) return
    entry.subscription.unsubscribe()
    this.topics.delete(topic)
    this.config.presence.setTopics(this.topics.keys())
  }

  hasResponders(to: Destination): boolean {
    const answer = this.respondersFor(to)
    this.config.recorder?.record(['responders', to, answer])
    return answer
  }

  random(actor: ActorId): SeededRandom {
    let random = this.randoms.get(actor)
    if (random === undefined) this.randoms.set(actor, (random = actorRandom(this.config.runSeed, actor)))
    return random
  }

  store(actor: ActorId): StoreService {
    const store = this.config.stores.get(actor)
    if (store === undefined) throw new Error(`no store was opened for actor ${actor}`)
    return store
  }

  log(actor: ActorId): LogService {
    return this.config.log.forActor(actor)
  }

  metrics(actor: ActorId): MetricsBook {
    let book = this.metricsByActor.get(actor)
    if (book === undefined) this.metricsByActor.set(actor, (book = new MetricsBook(METRICS_WINDOW)))
    return book
  }

  /** Every actor of the node signs with the node key; the others' keys are their nodes' keys from the network file. */
  keys(actor: ActorId): KeyService {
    const { signer, plan, recorder } = this.config
    const sign = (message: Uint8Array): Uint8Array => {
      const signature = signer.sign(message)
      recorder?.record(['sign', actor, createHash('sha256').update(message).digest(), signature])
      return signature
    }
    return { publicKey: signer.publicKey, sign, publicKeyOf: (other) => plan.nodeOf(other)?.publicKey }
  }

  reports(actor: ActorId): ReportService {
    return {
      report: (event, data) => {
        this.config.recorder?.record(['report', actor, event, reportBytes(data)])
        // Debug: a validator reports several facts a height; at info they would swamp the log (the recording keeps them).
        this.config.log.write('debug', 'report', { event, data }, actor)
      },
    }
  }

  // --- internals ---

  private respondersFor(to: Destination): boolean {
    const { plan, presence, self } = this.config
    const dest = parseDestination(to)
    switch (dest.type) {
      case 'actor': {
        const node = plan.nodeOf(dest.id)
        return node !== undefined && presence.isLive(node.id)
      }
      case 'topic':
        return (this.topics.get(dest.topic)?.actors.size ?? 0) > 0 || presence.anyLiveListens(dest.topic)
      case 'role':
        return plan.nodesWithRole(dest.role).some((node) => node.id === self.id || presence.isLive(node.id))
    }
  }

  private subjectOf(to: Destination): string {
    const dest = parseDestination(to)
    const { subjects } = this.config
    return dest.type === 'actor' ? subjects.actor(dest.id) : dest.type === 'topic' ? subjects.topic(dest.topic) : subjects.role(dest.role)
  }

  private transmitBulk(envelope: Envelope, bytes: Uint8Array): void {
    const node = this.config.plan.nodeOf(envelope.to)
    if (node === undefined) {
      this.metrics(envelope.from).count('bulk.errors')
      this.config.log.write('warn', 'bulk envelope to an actor no node runs', { kind: envelope.kind, to: envelope.to }, envelope.from)
      return
    }
    if (node.id === this.config.self.id) {
      // Never inside the sender's own handler: delivered on a later turn, as from the network.
      setImmediate(() => this.receive(bytes, { type: 'bulk' }))
      return
    }
    this.config.bulk.send(node.publicKey, this.config.presence.bulkAddresses(node.id), bytes).then(
      () => this.metrics(envelope.from).count('bulk.sent'),
      (error: unknown) => {
        this.metrics(envelope.from).count('bulk.errors')
        this.config.log.write('warn', 'bulk send failed', { kind: envelope.kind, to: envelope.to, error: (error as Error).message }, envelope.from)
      },
    )
  }

  /** The local actors an envelope goes to, or undefined when its `to` does not match how it came. */
  private recipients(envelope: Envelope, via: Arrival): ActorHost[] | undefined {
    const dest = parseDestination(envelope.to)
    switch (via.type) {
      case 'actor':
        return dest.type === 'actor' && dest.id === via.id ? [this.hostById.get(via.id)!] : undefined
      case 'bulk': {
        const host = dest.type === 'actor' ? this.hostById.get(dest.id) : undefined
        return host === undefined ? undefined : [host]
      }
      case 'topic': {
        if (dest.type !== 'topic' || dest.topic !== via.topic) return undefined
        // As in simulation: every subscriber but the sender, in id order.
        const ids = [...(this.topics.get(via.topic)?.actors ?? [])].filter((id) => id !== envelope.from).sort()
        return ids.map((id) => this.hostById.get(id)!)
      }
      case 'role': {
        if (dest.type !== 'role' || dest.role !== via.role) return undefined
        const ofRole = this.hosts.filter((h) => h.def.role === via.role)
        const chosen = ofRole.find((h) => h.running) ?? ofRole[0]
        return chosen === undefined ? [] : [chosen]
      }
    }
  }

  private drop(via: Arrival, counter: string, detail: string): void {
    const actor = via.type === 'actor' ? via.id : this.config.self.id
    this.metrics(actor).count(counter)
    // Debug level: a flood of junk must not become a flood of log lines; the counter shows it.
    this.config.log.write('debug', 'dropped an incoming envelope', { counter, detail }, actor)
  }

  private arrive(host: ActorHost, envelope: Envelope, bytes: Uint8Array): void {
    if (!host.running || this.mailbox.size > 0) {
      const { accepted, dropped } = this.mailbox.push({ host, envelope, bytes })
      if (!accepted || dropped !== undefined) this.metrics(host.id).count('mailbox.dropped')
      return
    }
    this.dispatch(host, envelope, bytes)
  }

  private drainMailbox(): void {
    while (this.state === 'up' && this.mailbox.size > 0) {
      const next = this.mailbox.peek()!
      if (!next.host.running) return
      this.mailbox.shift()
      this.dispatch(next.host, next.envelope, next.bytes)
    }
  }

  private dispatch(host: ActorHost, envelope: Envelope, bytes: Uint8Array): void {
    this.metrics(host.id).count('envelopes.received')
    this.guarded(host, ['deliver', wallMicros(), host.id, bytes], () => host.deliver(envelope))
  }

  private timerDue(host: ActorHost, name: string, token: number): void {
    if (this.state !== 'up' || !host.timerIsCurrent(name, token)) return
    this.guarded(host, ['timer', wallMicros(), host.id, name, token], () => host.fireTimer(name))
  }

  /** Runs a handler; a throw is this actor crashing, and its supervisor decides. */
  private guarded(host: ActorHost, input: InputItem, run: () => void): void {
    try {
      this.turn(host, input, run)
    } catch (error) {
      this.metrics(host.id).count('actor.crashes')
      this.config.log.write('error', 'actor crashed', { error: error instanceof Error ? error.message : String(error) }, host.id)
      this.supervisor.childFailed(host.id, error)
    }
  }

  /** One turn of an actor at the input's instant, recorded; a throw is recorded as its crash and passed on. */
  private turn(host: ActorHost, input: InputItem, run: () => void): void {
    this.config.recorder?.record(input)
    this.turnAt = input[1]
    try {
      run()
    } catch (error) {
      this.config.recorder?.record(['crash', host.id, error instanceof Error ? error.message : String(error)])
      throw error
    } finally {
      this.turnAt = undefined
    }
  }
}
