import type { FaultAction, FaultStep, NetworkModel, PartitionShape } from '../../scenario/types.ts'
import { parseDestination, type ActorId, type Destination } from '../address.ts'
import type { ActorHost } from '../actorHost.ts'
import { decodeEnvelope, encodeEnvelope } from '../codec/envelopeCodec.ts'
import type { Envelope } from '../envelope.ts'
import type { KindRegistry } from '../kinds.ts'
import { directoryOf } from '../directory.ts'
import { deriveKeySeed, deriveSeed, SeededRandom } from '../random.ts'
import type { DirectoryEntry, DirectoryService, KeyService, LogLevel } from '../services.ts'
import { signingKeyFromSeed, type SigningKey } from '../crypto/ed25519.ts'
import type { Micros } from '../time.ts'
import { digestBytes } from '../trace/digest.ts'
import type { TraceEvent } from '../trace/event.ts'
import { EventQueue } from './eventQueue.ts'
import { NetworkSimulator } from './network.ts'
import { SimNode, type NodeStatus, type SimKernel, type SimNodeSpec } from './simNode.ts'

/** Watches a run: checkers and the summary are built from these callbacks. */
export interface SimObserver {
  onReport?(at: Micros, actor: ActorId, event: string, data: unknown): void
  onStatus?(at: Micros, node: string, status: NodeStatus, reason?: string): void
  onFault?(at: Micros, fault: AppliedFault): void
  onEnd?(at: Micros): void
}

/** The scenario's fault actions, plus the one the simulator uses to end a timed `network` fault. */
export type SimFaultAction = FaultAction | { readonly type: 'restore-network' }

export interface AppliedFault {
  readonly at: Micros
  readonly action: SimFaultAction
  /** The scenario line that asked for it. */
  readonly line: number
  /** Nodes affected (partition: one "a+b+c" entry per group). */
  readonly targets: readonly string[]
}

export interface TraceSink {
  record(event: TraceEvent): void
}

export interface SimulationConfig {
  readonly seed: number
  readonly duration: Micros
  readonly network: NetworkModel
  readonly nodes: readonly SimNodeSpec[]
  readonly faults: readonly FaultStep[]
  readonly registry: KindRegistry
  readonly trace: TraceSink
  readonly observers?: readonly SimObserver[]
  /** Log lines at or above this level are kept (the last `keepLogs`). */
  readonly logLevel?: LogLevel
  readonly keepLogs?: number
}

export interface LogLine {
  readonly at: Micros
  readonly actor: ActorId
  readonly level: LogLevel
  readonly message: string
  readonly fields?: Record<string, unknown>
}

export interface NetworkCounters {
  sent: number
  delivered: number
  lost: number
  partitioned: number
  duplicated: number
  decodeErrors: number
  bytes: number
}

type SimEvent =
  | {
      readonly at: Micros
      readonly seq: number
      readonly type: 'arrive'
      readonly node: SimNode
      readonly host: ActorHost
      readonly bytes: Uint8Array
      readonly digest: string
      /** Other arrivals carry the same bytes (a broadcast): decode them once for all. */
      readonly shared: boolean
    }
  | { readonly at: Micros; readonly seq: number; readonly type: 'timer'; readonly node: SimNode; readonly host: ActorHost; readonly name: string; readonly token: number }
  | { readonly at: Micros; readonly seq: number; readonly type: 'call'; readonly node: SimNode | undefined; readonly label: string; readonly fire: () => void }

const LOG_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/** An actor and the node it runs on. */
interface Target {
  readonly node: SimNode
  readonly host: ActorHost
}

/**
 * The discrete-event simulation of a whole network in one process. Events (arrivals,
 * timers, fault steps, supervisor restarts) run one at a time in (virtual time, sequence)
 * order; handlers run to completion at their virtual time. Every envelope is encoded and
 * decoded as on a real wire, and every delivery and fired timer is a trace event.
 *
 * The bytes of one transmission are decoded once, when they first arrive, and the
 * recipients of a broadcast share what was decoded: decoding the same bytes again gives
 * an equal envelope (the codec is canonical), and actors never modify what they receive
 * (the process-wide memos already share decoded blocks between validators).
 */
export class Simulation implements SimKernel {
  readonly nodes: readonly SimNode[]
  readonly network: NetworkSimulator
  readonly counters: NetworkCounters = { sent: 0, delivered: 0, lost: 0, partitioned: 0, duplicated: 0, decodeErrors: 0, bytes: 0 }
  private readonly decodedByBytes = new WeakMap<Uint8Array, ReturnType<typeof decodeEnvelope>>()
  readonly logs: LogLine[] = []
  readonly faultsApplied: AppliedFault[] = []
  readonly directory: DirectoryService
  readonly mailbox: SimKernel['mailbox']
  private readonly queue = new EventQueue<SimEvent>()
  private readonly nodeById = new Map<string, SimNode>()
  private readonly hostById = new Map<ActorId, Target>()
  /** Each actor as the one recipient of an envelope sent to it: made once, not per envelope. */
  private readonly aloneById = new Map<ActorId, readonly Target[]>()
  private readonly subscribers = new Map<string, Set<ActorId>>()
  /** Each topic's subscribers in id order, kept until the topic's subscriptions change. */
  private readonly sortedSubscribers = new Map<string, readonly Target[]>()
  private readonly random: SeededRandom
  private readonly observers: readonly SimObserver[]
  private readonly logRank: number
  private readonly signingKeys = new Map<ActorId, SigningKey>()
  private clock: Micros = 0
  private scheduled = 0
  private traced = 0
  private timersFired = 0
  private started = false

  constructor(private readonly config: SimulationConfig) {
    this.random = new SeededRandom(deriveSeed(config.seed, 'network'))
    this.observers = config.observers ?? []
    this.logRank = LOG_RANK[config.logLevel ?? 'warn']
    this.mailbox = config.network.mailbox
    const entries: DirectoryEntry[] = config.nodes.flatMap((n) => n.actors.map((a) => ({ id: a.id, role: a.def.role, params: a.def.params })))
    this.directory = directoryOf(entries)
    this.nodes = config.nodes.map((spec) => new SimNode(spec, this))
    for (const node of this.nodes) {
      this.nodeById.set(node.id, node)
      for (const host of node.hosts) {
        const target: Target = { node, host }
        this.hostById.set(host.id, target)
        this.aloneById.set(host.id, [target])
      }
    }
    this.network = new NetworkSimulator(config.network, (id) => this.hostById.get(id)?.node.role ?? '', this.random.fork('links'))
  }

  get now(): Micros {
    return this.clock
  }

  get seed(): number {
    return this.config.seed
  }

  get eventsTraced(): number {
    return this.traced
  }

  node(id: string): SimNode | undefined {
    return this.nodeById.get(id)
  }

  /**
   * Runs until `until` (default: the configured duration). `onProgress` is called every
   * `progressEvery` events with the virtual time reached.
   */
  run(options: { until?: Micros; onProgress?: (now: Micros) => void; progressEvery?: number } = {}): void {
    if (!this.started) this.start()
    const until = options.until ?? this.config.duration
    const every = options.progressEvery ?? 50_000
    let sinceProgress = 0
    for (;;) {
      const next = this.queue.peek()
      if (next === undefined || next.at > until) break
      this.queue.pop()
      this.clock = next.at
      this.handle(next)
      if (options.onProgress !== undefined && ++sinceProgress >= every) {
        sinceProgress = 0
        options.onProgress(this.clock)
      }
    }
    this.clock = Math.max(this.clock, until)
    if (until >= this.config.duration) for (const o of this.observers) o.onEnd?.(this.clock)
  }

  // --- SimKernel ---

  scheduleTimer(node: SimNode, host: ActorHost, name: string, token: number, at: Micros): void {
    this.queue.push({ at, seq: this.scheduled++, type: 'timer', node, host, name, token })
  }

  scheduleCall(node: SimNode | undefined, at: Micros, label: string, fire: () => void): void {
    this.queue.push({ at, seq: this.scheduled++, type: 'call', node, label, fire })
  }

  transmit(sender: SimNode, envelope: Envelope, channel: 'message' | 'bulk'): void {
    const bytes = encodeEnvelope(envelope)
    if (bytes.length > this.config.network.maxMessageBytes) {
      throw new Error(`envelope ${envelope.kind} of ${bytes.length} bytes exceeds maxMessageBytes ${this.config.network.maxMessageBytes}`)
    }
    const digest = digestBytes(bytes)
    const recipients = this.recipients(envelope.from, envelope.to)
    for (const recipient of recipients) {
      this.counters.sent++
      this.counters.bytes += bytes.length
      const fate = this.network.send(sender.id, recipient.node.id, bytes.length, channel, this.clock)
      if (!fate.delivered) {
        if (fate.reason === 'loss') this.counters.lost++
        else this.counters.partitioned++
        this.traceDrop(envelope, recipient.host.id, digest, fate.reason)
        continue
      }
      if (fate.arrivals.length > 1) this.counters.duplicated++
      const shared = recipients.length > 1 || fate.arrivals.length > 1
      for (const at of fate.arrivals) {
        this.queue.push({ at, seq: this.scheduled++, type: 'arrive', node: recipient.node, host: recipient.host, bytes, digest, shared })
      }
    }
  }

  subscribe(actor: ActorId, topic: string): void {
    let set = this.subscribers.get(topic)
    if (set === undefined) this.subscribers.set(topic, (set = new Set()))
    set.add(actor)
    this.sortedSubscribers.delete(topic)
  }

  unsubscribe(actor: ActorId, topic: string): void {
    this.subscribers.get(topic)?.delete(actor)
    this.sortedSubscribers.delete(topic)
  }

  hasResponders(to: Destination): boolean {
    const dest = parseDestination(to)
    switch (dest.type) {
      case 'actor': {
        const target = this.hostById.get(dest.id)
        return target !== undefined && isAlive(target.node.status)
      }
      case 'topic':
        return (this.subscribers.get(dest.topic)?.size ?? 0) > 0
      case 'role':
        return this.liveOfRole(dest.role, undefined).length > 0
    }
  }

  traceDelivery(envelope: Envelope, to: ActorId, digest: string): void {
    this.counters.delivered++
    this.record('deliver', envelope.from, to, envelope.kind, digest)
  }

  traceTimer(actor: ActorId, name: string): void {
    this.timersFired++
    this.record('timer', actor, actor, name, '')
  }

  traceDrop(envelope: Envelope | undefined, to: ActorId, digest: string, reason: string): void {
    this.record('drop', envelope?.from ?? '?', to, envelope?.kind ?? '?', digest, reason)
  }

  report(actor: ActorId, event: string, data: unknown): void {
    for (const o of this.observers) o.onReport?.(this.clock, actor, event, data)
  }

  log(actor: ActorId, level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (LOG_RANK[level] < this.logRank) return
    this.logs.push(fields === undefined ? { at: this.clock, actor, level, message } : { at: this.clock, actor, level, message, fields })
    if (this.logs.length > (this.config.keepLogs ?? 200)) this.logs.shift()
  }

  /** Every actor's key, derived from the run seed (determinism rule 4), made on first use. */
  keys(actor: ActorId): KeyService {
    // Derived on first use: most actors of a large run never sign anything.
    const signingKey = (id: ActorId) => this.signingKey(id)
    return {
      get publicKey() {
        return signingKey(actor).publicKey
      },
      sign: (message) => signingKey(actor).sign(message),
      publicKeyOf: (other) => (this.hostById.has(other) ? signingKey(other).publicKey : undefined),
    }
  }

  private signingKey(actor: ActorId): SigningKey {
    let key = this.signingKeys.get(actor)
    if (key === undefined) this.signingKeys.set(actor, (key = signingKeyFromSeed(deriveKeySeed(this.config.seed, `key:${actor}`))))
    return key
  }

  statusChanged(node: SimNode, status: NodeStatus, reason?: string): void {
    for (const o of this.observers) o.onStatus?.(this.clock, node.id, status, reason)
  }

  get timers(): number {
    return this.timersFired
  }

  // --- internals ---

  private start(): void {
    this.started = true
    // Every node is on the network before any starts: nothing sent at t=0 is lost to boot order.
    for (const node of this.nodes) for (const host of node.hosts) for (const topic of host.def.topics ?? []) this.subscribe(host.id, topic)
    for (const node of this.nodes) node.boot()
    for (const step of this.config.faults) this.scheduleCall(undefined, step.at, 'fault', () => this.applyFault(step.action, step.line, step.for))
  }

  private decode(bytes: Uint8Array): ReturnType<typeof decodeEnvelope> {
    return decodeEnvelope(bytes, this.config.registry, this.config.network.maxMessageBytes)
  }

  private decodeShared(bytes: Uint8Array): ReturnType<typeof decodeEnvelope> {
    let decoded = this.decodedByBytes.get(bytes)
    if (decoded === undefined) this.decodedByBytes.set(bytes, (decoded = this.decode(bytes)))
    return decoded
  }

  private handle(event: SimEvent): void {
    switch (event.type) {
      case 'arrive': {
        const decoded = event.shared ? this.decodeShared(event.bytes) : this.decode(event.bytes)
        if (decoded._tag === 'Left') {
          this.counters.decodeErrors++
          event.node.metrics(event.host.id).count('decode.errors')
          this.traceDrop(undefined, event.host.id, event.digest, `decode:${decoded.left.reason}`)
          return
        }
        event.node.arrive(event.host, decoded.right, event.digest)
        return
      }
      case 'timer':
        event.node.timerDue(event.host, event.name, event.token)
        return
      case 'call':
        if (event.node !== undefined) {
          if (event.node.status === 'crashed') return
          this.record('timer', event.node.id, event.node.id, event.label, '')
        }
        event.fire()
        return
    }
  }

  private record(type: TraceEvent['type'], from: string, to: string, kind: string, digest: string, note?: string): void {
    const seq = this.traced++
    this.config.trace.record(note === undefined ? { at: this.clock, seq, type, from, to, kind, digest } : { at: this.clock, seq, type, from, to, kind, digest, note })
  }

  private recipients(from: ActorId, to: Destination): readonly Target[] {
    const alone = this.aloneById.get(to)
    if (alone !== undefined) return alone
    const dest = parseDestination(to)
    switch (dest.type) {
      case 'actor':
        return []
      case 'topic':
        return this.subscribersOf(dest.topic).filter((target) => target.host.id !== from)
      case 'role': {
        const live = this.liveOfRole(dest.role, from)
        return live.length === 0 ? [] : [live[this.random.int(live.length)]!]
      }
    }
  }

  private subscribersOf(topic: string): readonly Target[] {
    let sorted = this.sortedSubscribers.get(topic)
    if (sorted === undefined) {
      const ids = [...(this.subscribers.get(topic) ?? [])].sort()
      this.sortedSubscribers.set(topic, (sorted = ids.map((id) => this.hostById.get(id)!)))
    }
    return sorted
  }

  /** Actors of a role on nodes that are not down, excluding the sender when others exist. */
  private liveOfRole(role: string, exclude: ActorId | undefined): Target[] {
    const live = this.directory
      .ofRole(role)
      .map((id) => this.hostById.get(id)!)
      .filter((t) => isAlive(t.node.status))
    const others = live.filter((t) => t.host.id !== exclude)
    return others.length > 0 ? others : live
  }

  private applyFault(action: SimFaultAction, line: number, revertAfter: Micros | undefined): void {
    const fault: AppliedFault = { at: this.clock, action, line, targets: this.execute(action) }
    this.faultsApplied.push(fault)
    this.record('fault', 'scenario', fault.targets.join(',') || '*', action.type, '', `line ${line}`)
    for (const o of this.observers) o.onFault?.(this.clock, fault)
    const revert = revertAfter === undefined ? undefined : this.reversal(action)
    if (revert !== undefined && revertAfter !== undefined) {
      this.scheduleCall(undefined, this.clock + revertAfter, 'fault', () => this.applyFault(revert, line, undefined))
    }
  }

  private savedNetwork: NetworkModel[] = []

  private execute(action: SimFaultAction): string[] {
    switch (action.type) {
      case 'crash':
        this.nodeOrThrow(action.node).crash()
        return [action.node]
      case 'restart':
        this.nodeOrThrow(action.node).restart()
        return [action.node]
      case 'pause':
        this.nodeOrThrow(action.node).pause()
        return [action.node]
      case 'resume':
        this.nodeOrThrow(action.node).resume()
        return [action.node]
      case 'partition': {
        const groups = this.partitionGroups(action.partition)
        this.network.partition(groups, action.oneWay)
        return groups.map((g) => g.join('+'))
      }
      case 'heal':
        this.network.heal()
        return []
      case 'clock': {
        const node = this.nodeOrThrow(action.node)
        if (action.drift !== undefined) node.clock.setDrift(this.clock, action.drift)
        if (action.jump !== undefined) node.clock.jump(this.clock, action.jump)
        return [action.node]
      }
      case 'storage': {
        const node = this.nodeOrThrow(action.node)
        if (action.corruptReads !== undefined) node.setReadCorruption(action.corruptReads)
        if (action.loseUnsyncedOnCrash !== undefined) node.loseUnsyncedOnCrash = action.loseUnsyncedOnCrash
        return [action.node]
      }
      case 'network':
        this.savedNetwork.push(this.network.current)
        this.network.reconfigure({ ...this.network.current, ...action.change })
        return []
      case 'restore-network': {
        const previous = this.savedNetwork.pop()
        if (previous !== undefined) this.network.reconfigure(previous)
        return []
      }
    }
  }

  /** The action that undoes a fault with a `for` duration. */
  private reversal(action: SimFaultAction): SimFaultAction | undefined {
    switch (action.type) {
      case 'crash':
        return { type: 'restart', node: action.node }
      case 'pause':
        return { type: 'resume', node: action.node }
      case 'partition':
        return { type: 'heal' }
      case 'network':
        return { type: 'restore-network' }
      default:
        return undefined
    }
  }

  private partitionGroups(shape: PartitionShape): string[][] {
    const all = this.nodes.map((n) => n.id)
    switch (shape.shape) {
      case 'isolate':
        return [[shape.node], all.filter((id) => id !== shape.node)]
      case 'split': {
        // Dealt round-robin so there are exactly `parts` groups, their sizes differing by at most one.
        const shuffled = this.random.shuffle(all)
        const groups: string[][] = Array.from({ length: shape.parts }, () => [])
        shuffled.forEach((id, i) => groups[i % shape.parts]!.push(id))
        return groups.map((g) => g.sort())
      }
      case 'groups': {
        const listed = new Set(shape.groups.flat())
        const rest = all.filter((id) => !listed.has(id))
        return rest.length > 0 ? [...shape.groups.map((g) => [...g]), rest] : shape.groups.map((g) => [...g])
      }
    }
  }

  private nodeOrThrow(id: string): SimNode {
    const node = this.nodeById.get(id)
    if (node === undefined) throw new Error(`fault names unknown node ${id}`)
    return node
  }
}

const isAlive = (status: NodeStatus): boolean => status === 'up' || status === 'paused'
