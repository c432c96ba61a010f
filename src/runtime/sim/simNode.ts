import type { ActorDef } from '../actor.ts'
import { ActorHost, ActorStartError, type HostEnvironment } from '../actorHost.ts'
import type { ActorId, Destination } from '../address.ts'
import type { Envelope } from '../envelope.ts'
import { Mailbox } from '../mailbox.ts'
import { MetricsBook } from '../metricsBook.ts'
import { actorRandom, type SeededRandom } from '../random.ts'
import type { DirectoryService, KeyService, LogLevel, LogService, RandomService, ReportService, StoreService } from '../services.ts'
import { MemoryStore } from '../store/memoryStore.ts'
import { Supervisor, type SupervisorSpec } from '../supervisor.ts'
import type { Micros } from '../time.ts'
import { NodeClock } from './nodeClock.ts'

export interface SimNodeSpec {
  readonly id: string
  readonly role: string
  readonly params: Readonly<Record<string, unknown>>
  /** The node's actors, supervised together; the first one's id is the node id. */
  readonly actors: readonly { readonly id: ActorId; readonly def: ActorDef }[]
  readonly supervisor: SupervisorSpec
}

export type NodeStatus = 'up' | 'paused' | 'crashed' | 'failed'

/** What a node needs from the simulation it lives in. */
export interface SimKernel {
  readonly now: Micros
  readonly seed: number
  readonly directory: DirectoryService
  readonly mailbox: { readonly capacity: number; readonly overflow: 'drop-newest' | 'drop-oldest' }
  scheduleTimer(node: SimNode, host: ActorHost, name: string, token: number, at: Micros): void
  scheduleCall(node: SimNode, at: Micros, label: string, fire: () => void): void
  transmit(node: SimNode, envelope: Envelope, channel: 'message' | 'bulk'): void
  subscribe(actor: ActorId, topic: string): void
  unsubscribe(actor: ActorId, topic: string): void
  hasResponders(to: Destination): boolean
  traceDelivery(envelope: Envelope, to: ActorId, digest: string): void
  traceTimer(actor: ActorId, name: string): void
  traceDrop(envelope: Envelope | undefined, to: ActorId, digest: string, reason: string): void
  report(actor: ActorId, event: string, data: unknown): void
  log(actor: ActorId, level: LogLevel, message: string, fields?: Record<string, unknown>): void
  keys(actor: ActorId): KeyService
  statusChanged(node: SimNode, status: NodeStatus, reason?: string): void
}

interface Queued {
  readonly host: ActorHost
  readonly envelope: Envelope
  readonly digest: string
}

/**
 * One simulated machine: its actors under a supervisor, its clock, its stores (which
 * outlive crashes, minus unsynced writes), and a bounded mailbox that fills while the
 * node is paused or an actor is between a crash and its restart.
 */
export class SimNode implements HostEnvironment {
  status: NodeStatus = 'up'
  loseUnsyncedOnCrash = true
  readonly clock = new NodeClock()
  readonly hosts: readonly ActorHost[]
  readonly supervisor: Supervisor
  readonly metricsByActor = new Map<ActorId, MetricsBook>()
  readonly storesByActor = new Map<ActorId, MemoryStore>()
  private readonly randoms = new Map<ActorId, SeededRandom>()
  private readonly mailbox: Mailbox<Queued>
  private deferredTimers: { host: ActorHost; name: string; token: number }[] = []
  restarts = 0

  constructor(
    readonly spec: SimNodeSpec,
    private readonly kernel: SimKernel,
  ) {
    this.mailbox = new Mailbox<Queued>(kernel.mailbox.capacity, kernel.mailbox.overflow)
    this.hosts = spec.actors.map((a) => new ActorHost(a.id, a.def, spec.params, this))
    const nodeRandom = this.random(`${spec.id}#supervisor`)
    this.supervisor = new Supervisor(
      spec.supervisor,
      this.hosts.map((host) => ({
        id: host.id,
        start: () => {
          try {
            host.start()
          } catch (error) {
            // Logged like a crash in a handler; the supervisor decides what follows.
            this.logCrash(host, error)
            throw error
          }
          this.drainMailbox()
        },
        halt: () => host.halt(),
      })),
      { now: () => kernel.now, after: (delay, label, fire) => kernel.scheduleCall(this, kernel.now + delay, label, fire) },
      nodeRandom,
      {
        restarting: (ids, delay, reason) => {
          this.restarts += ids.length
          this.metrics(spec.id).count('supervisor.restarts', ids.length)
          kernel.log(spec.id, 'warn', `restarting ${ids.join(', ')} in ${delay}µs`, { reason: String(reason) })
        },
        escalated: (reason) => this.setStatus('failed', `supervisor gave up: ${String(reason)}`),
      },
    )
  }

  get id(): string {
    return this.spec.id
  }

  get role(): string {
    return this.spec.role
  }

  get directory(): DirectoryService {
    return this.kernel.directory
  }

  // --- lifecycle, driven by the fault schedule ---

  boot(): void {
    this.setStatus('up')
    this.supervisor.start()
  }

  crash(): void {
    if (this.status === 'crashed') return
    this.supervisor.halt()
    this.mailbox.clear()
    this.deferredTimers = []
    for (const store of this.storesByActor.values()) store.crash(this.loseUnsyncedOnCrash)
    this.setStatus('crashed')
  }

  restart(): void {
    if (this.status !== 'crashed' && this.status !== 'failed') this.crash()
    this.boot()
  }

  pause(): void {
    if (this.status === 'up') this.setStatus('paused')
  }

  resume(): void {
    if (this.status !== 'paused') return
    this.setStatus('up')
    const timers = this.deferredTimers
    this.deferredTimers = []
    for (const t of timers) this.timerDue(t.host, t.name, t.token)
    this.drainMailbox()
  }

  // --- inputs ---

  arrive(host: ActorHost, envelope: Envelope, digest: string): void {
    if (this.status === 'crashed' || this.status === 'failed') {
      this.kernel.traceDrop(envelope, host.id, digest, 'node-down')
      return
    }
    if (this.status === 'paused' || !host.running || this.mailbox.size > 0) {
      this.enqueue({ host, envelope, digest })
      return
    }
    this.dispatch(host, envelope, digest)
  }

  timerDue(host: ActorHost, name: string, token: number): void {
    if (this.status === 'crashed' || this.status === 'failed') return
    if (!host.timerIsCurrent(name, token)) return
    if (this.status === 'paused') {
      this.deferredTimers.push({ host, name, token })
      return
    }
    this.kernel.traceTimer(host.id, name)
    this.guarded(host, fireTimer, name)
  }

  // --- HostEnvironment: what the node's actors see ---

  now(): Micros {
    return this.clock.read(this.kernel.now)
  }

  scheduleTimer(host: ActorHost, name: string, token: number, after: Micros): void {
    this.kernel.scheduleTimer(this, host, name, token, this.kernel.now + this.clock.toGlobal(after))
  }

  transmit(envelope: Envelope, channel: 'message' | 'bulk'): void {
    this.kernel.transmit(this, envelope, channel)
  }

  subscribe(actor: ActorId, topic: string): void {
    this.kernel.subscribe(actor, topic)
  }

  unsubscribe(actor: ActorId, topic: string): void {
    this.kernel.unsubscribe(actor, topic)
  }

  hasResponders(to: Destination): boolean {
    return this.kernel.hasResponders(to)
  }

  random(actor: ActorId): SeededRandom {
    let random = this.randoms.get(actor)
    if (random === undefined) this.randoms.set(actor, (random = actorRandom(this.kernel.seed, actor)))
    return random
  }

  store(actor: ActorId): MemoryStore {
    let store = this.storesByActor.get(actor)
    if (store === undefined) this.storesByActor.set(actor, (store = new MemoryStore()))
    return store
  }

  log(actor: ActorId): LogService {
    return { log: (level, message, fields) => this.kernel.log(actor, level, message, fields) }
  }

  metrics(actor: ActorId): MetricsBook {
    let book = this.metricsByActor.get(actor)
    if (book === undefined) this.metricsByActor.set(actor, (book = new MetricsBook()))
    return book
  }

  reports(actor: ActorId): ReportService {
    return { report: (event, data) => this.kernel.report(actor, event, data) }
  }

  keys(actor: ActorId): KeyService {
    return this.kernel.keys(actor)
  }

  setReadCorruption(probability: number): void {
    const random: RandomService = this.random(`${this.id}#storage-faults`)
    for (const host of this.hosts) this.store(host.id).setReadCorruption(probability, random)
  }

  storeOf(actor: ActorId): StoreService {
    return this.store(actor)
  }

  // --- internals ---

  private enqueue(item: Queued): void {
    const { accepted, dropped } = this.mailbox.push(item)
    if (!accepted) this.kernel.traceDrop(item.envelope, item.host.id, item.digest, 'mailbox-full')
    if (dropped !== undefined) this.kernel.traceDrop(dropped.envelope, dropped.host.id, dropped.digest, 'mailbox-full')
    if (!accepted || dropped !== undefined) this.metrics(item.host.id).count('mailbox.dropped')
  }

  private drainMailbox(): void {
    while (this.status === 'up' && this.mailbox.size > 0) {
      const next = this.mailbox.peek()!
      if (!next.host.running) return
      this.mailbox.shift()
      this.dispatch(next.host, next.envelope, next.digest)
    }
  }

  private dispatch(host: ActorHost, envelope: Envelope, digest: string): void {
    this.kernel.traceDelivery(envelope, host.id, digest)
    this.metrics(host.id).count('envelopes.received')
    this.guarded(host, deliver, envelope)
  }

  /**
   * Runs a handler; a throw is this actor crashing, and its supervisor decides. The
   * handler and its argument come separately so that no closure is made per event.
   */
  private guarded<T>(host: ActorHost, run: (host: ActorHost, input: T) => void, input: T): void {
    try {
      run(host, input)
    } catch (error) {
      this.logCrash(host, error)
      this.supervisor.childFailed(host.id, error)
    }
  }

  /** A start failure is told by its detail alone: the same one on every node reads as one error (see cli/errorDigest.ts). */
  private logCrash(host: ActorHost, error: unknown): void {
    this.metrics(host.id).count('actor.crashes')
    if (error instanceof ActorStartError) return this.kernel.log(host.id, 'error', 'actor failed to start', { error: error.detail })
    this.kernel.log(host.id, 'error', 'actor crashed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  }

  private setStatus(status: NodeStatus, reason?: string): void {
    this.status = status
    this.kernel.statusChanged(this, status, reason)
  }
}

const deliver = (host: ActorHost, envelope: Envelope): void => host.deliver(envelope)
const fireTimer = (host: ActorHost, name: string): void => host.fireTimer(name)
