import { createHash } from 'node:crypto'
import { Either } from 'effect'
import { decode } from 'cborg'
import type { ActorId, Destination } from '../address.ts'
import { ActorHost, type HostEnvironment } from '../actorHost.ts'
import { decodeEnvelope } from '../codec/envelopeCodec.ts'
import { signedBytes, verifyEnvelope } from '../crypto/envelopeSignature.ts'
import type { Envelope } from '../envelope.ts'
import { MetricsBook } from '../metricsBook.ts'
import { actorRandom, type SeededRandom } from '../random.ts'
import type { NetworkPlan, NodePlan } from '../process/nodePlan.ts'
import type { DirectoryService, KeyService, LogService, ReportService, StoreService } from '../services.ts'
import { MemoryStore } from '../store/memoryStore.ts'
import type { Micros } from '../time.ts'
import { describeItem } from './describeItem.ts'
import { isInput, reportBytes, type InputItem, type RecordedItem, type SegmentHeader } from './recording.ts'

/** Where a replayed node first did something other than what it did live. */
export interface Divergence {
  readonly node: string
  readonly segment: number
  /** Index of the recorded item (after the header) where the difference shows. */
  readonly index: number
  readonly at: Micros
  /** The turn being replayed. */
  readonly turn: string
  /** What the recording holds at that point, and what the replay did instead. */
  readonly recorded: string
  readonly replayed: string
  /** The node's turns just before, oldest first. */
  readonly before: readonly string[]
}

/** A report a replayed actor made (and its live run made identically). */
export interface ReplayedReport {
  readonly at: Micros
  readonly actor: ActorId
  readonly event: string
  readonly data: unknown
}

export interface SegmentFigures {
  readonly node: string
  readonly segment: number
  readonly turns: number
  readonly deliveries: number
  readonly timers: number
  readonly sent: number
  readonly reports: number
  /** The recording was cut (a SIGKILL): outcomes past its end were not compared. */
  readonly cut: boolean
}

const MAX_BYTES = Number.MAX_SAFE_INTEGER
const CONTEXT_TURNS = 5

/**
 * One recorded segment of a live node, re-run: the node's actors on fresh hosts with the
 * segment's stores, fed the recorded turns at their recorded instants. Every call an
 * actor makes on the node is checked against the next recorded item: envelopes sent
 * (compared without their signature), reports, crashes; presence answers and signatures
 * are taken from the recording, since a replay has neither the network nor the key.
 * The first difference stops the node and is kept as its divergence. Nothing is thrown
 * into actor code: a replay never changes how an actor behaves, it only watches.
 */
export class ReplayNode implements HostEnvironment {
  readonly hosts: readonly ActorHost[]
  divergence: Divergence | undefined
  private readonly self: NodePlan
  private readonly hostById = new Map<ActorId, ActorHost>()
  private readonly stores = new Map<ActorId, MemoryStore>()
  private readonly randoms = new Map<ActorId, SeededRandom>()
  private readonly metricsBooks = new Map<ActorId, MetricsBook>()
  /** The turn being replayed, last, after the ones before it; described only if a divergence needs them (describing decodes envelopes). */
  private readonly recent: InputItem[] = []
  private cursor = 0
  private turnAt: Micros
  private ended = false
  private counts = { turns: 0, deliveries: 0, timers: 0, sent: 0, reports: 0 }

  constructor(
    readonly header: SegmentHeader,
    private readonly items: readonly RecordedItem[],
    /** Whether the segment ends where the process stopped cleanly (else it was cut). */
    private readonly complete: boolean,
    private readonly plan: NetworkPlan,
    private readonly onReport: (report: ReplayedReport) => void,
  ) {
    const self = plan.node(header.node)
    if (self === undefined) throw new Error(`the recording's network file has no node ${header.node}`)
    this.self = self
    this.turnAt = header.startedAt
    for (const [actor, entries] of Object.entries(header.stores)) {
      const store = new MemoryStore()
      for (const [key, value] of entries) store.put(key, value)
      store.sync()
      this.stores.set(actor, store)
    }
    this.hosts = self.actors.map((a) => new ActorHost(a.id, a.def, self.params, this))
    for (const host of this.hosts) this.hostById.set(host.id, host)
  }

  /** The instant of the next recorded turn, or undefined when the node has no more to replay. */
  nextAt(): Micros | undefined {
    if (this.divergence !== undefined || this.ended) return undefined
    const next = this.items[this.cursor]
    return next !== undefined && isInput(next) ? next[1] : undefined
  }

  figures(): SegmentFigures {
    return { node: this.header.node, segment: this.header.segment, ...this.counts, cut: !this.complete }
  }

  /** Replays the next turn and checks that nothing recorded for it is left over. */
  step(): void {
    const input = this.items[this.cursor] as InputItem
    this.cursor++
    this.turnAt = input[1]
    this.counts.turns++
    this.recent.push(input)
    if (this.recent.length > CONTEXT_TURNS + 1) this.recent.shift()
    this.runTurn(input)
    if (this.divergence !== undefined || this.ended) return
    const leftover = this.items[this.cursor]
    if (leftover === undefined && !this.complete) this.ended = true
    else if (leftover !== undefined && !isInput(leftover)) this.diverge(describeItem(leftover), 'the turn ended here')
  }

  // --- HostEnvironment ---

  get directory(): DirectoryService {
    return this.plan.directory
  }

  now(): Micros {
    return this.turnAt
  }

  scheduleTimer(): void {
    // Timers fire when the recording says they did; the host keeps their tokens.
  }

  transmit(envelope: Envelope, channel: 'message' | 'bulk'): void {
    this.counts.sent++
    const replayed = signedBytes(envelope)
    this.expect('sent', () => `sent ${envelope.kind} to ${envelope.to} (${channel})`, (item) => {
      if (item[0] !== 'sent' || item[1] !== envelope.from || item[2] !== channel) return false
      const recorded = decodeEnvelope(item[3], this.plan.registry, MAX_BYTES)
      return Either.isRight(recorded) && Buffer.from(signedBytes(recorded.right)).equals(replayed)
    })
  }

  subscribe(): void {
    // Who received what live is in the recording.
  }

  unsubscribe(): void {}

  hasResponders(to: Destination): boolean {
    const item = this.expect('responders', () => `asked whether ${to} has responders`, (i) => i[0] === 'responders' && i[1] === to)
    return item !== undefined && item[0] === 'responders' ? item[2] : false
  }

  random(actor: ActorId): SeededRandom {
    let random = this.randoms.get(actor)
    if (random === undefined) this.randoms.set(actor, (random = actorRandom(this.header.runSeed, actor)))
    return random
  }

  store(actor: ActorId): StoreService {
    let store = this.stores.get(actor)
    if (store === undefined) this.stores.set(actor, (store = new MemoryStore()))
    return store
  }

  log(): LogService {
    return { log: () => undefined }
  }

  metrics(actor: ActorId): MetricsBook {
    let book = this.metricsBooks.get(actor)
    if (book === undefined) this.metricsBooks.set(actor, (book = new MetricsBook()))
    return book
  }

  reports(actor: ActorId): ReportService {
    return {
      report: (event, data) => {
        this.counts.reports++
        const bytes = reportBytes(data)
        const matched = this.expect('report', () => `reported ${event}`, (i) => i[0] === 'report' && i[1] === actor && i[2] === event && Buffer.from(i[3]).equals(bytes))
        if (matched !== undefined) this.onReport({ at: this.turnAt, actor, event, data: decode(bytes) })
      },
    }
  }

  keys(actor: ActorId): KeyService {
    const sign = (message: Uint8Array): Uint8Array => {
      const digest = createHash('sha256').update(message).digest()
      const item = this.expect('sign', () => 'signed bytes the live run did not sign', (i) => i[0] === 'sign' && i[1] === actor && digest.equals(i[2]))
      return item !== undefined && item[0] === 'sign' ? item[3] : new Uint8Array(64)
    }
    return { publicKey: this.self.publicKey, sign, publicKeyOf: (other) => this.plan.nodeOf(other)?.publicKey }
  }

  // --- internals ---

  private runTurn(input: InputItem): void {
    switch (input[0]) {
      case 'start':
        return this.guarded(input[2], () => this.host(input[2])?.start())
      case 'deliver':
        this.counts.deliveries++
        return this.deliver(input[2], input[3])
      case 'timer': {
        this.counts.timers++
        const [, , actor, name, token] = input
        const host = this.host(actor)
        if (host === undefined) return
        if (!host.timerIsCurrent(name, token)) return this.diverge(describeItem(input), `timer ${name} of ${actor} is not armed (or was re-armed)`)
        return this.guarded(actor, () => host.fireTimer(name))
      }
      case 'stop':
        for (const host of this.hosts) host.stop()
        return
    }
  }

  private deliver(actor: ActorId, bytes: Uint8Array): void {
    const host = this.host(actor)
    if (host === undefined) return
    const decoded = decodeEnvelope(bytes, this.plan.registry, MAX_BYTES)
    if (Either.isLeft(decoded)) return this.diverge('a delivered envelope', `cannot decode it: ${decoded.left.message}`)
    const envelope = decoded.right
    const sender = this.plan.nodeOf(envelope.from)
    if (sender === undefined || !verifyEnvelope(envelope, sender.publicKey)) return this.diverge(`${envelope.kind} from ${envelope.from}`, 'its signature does not verify: the recording was altered')
    this.guarded(actor, () => host.deliver(envelope))
  }

  /** Runs a handler; a throw must be the crash the recording holds, and halts the actor as its supervisor did. */
  private guarded(actor: ActorId, run: () => void): void {
    try {
      run()
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      this.expect('crash', () => `crashed: ${message}`, (i) => i[0] === 'crash' && i[1] === actor && i[2] === message)
      this.hostById.get(actor)?.halt()
    }
  }

  private host(actor: ActorId): ActorHost | undefined {
    const host = this.hostById.get(actor)
    if (host === undefined) this.diverge(`a turn of ${actor}`, `${this.header.node} runs no actor ${actor}`)
    return host
  }

  /** Takes the next recorded item if it matches; otherwise records the divergence. */
  private expect(tag: string, replayed: () => string, matches: (item: RecordedItem) => boolean): RecordedItem | undefined {
    if (this.divergence !== undefined || this.ended) return undefined
    const item = this.items[this.cursor]
    if (item === undefined && !this.complete) {
      this.ended = true
      return undefined
    }
    if (item === undefined || isInput(item) || !matches(item)) {
      this.diverge(item === undefined ? 'the recording ends' : isInput(item) ? 'the turn ended here' : describeItem(item), `${replayed()} [${tag}]`)
      return undefined
    }
    this.cursor++
    return item
  }

  private diverge(recorded: string, replayed: string): void {
    if (this.divergence !== undefined) return
    this.divergence = { node: this.header.node, segment: this.header.segment, index: this.cursor, at: this.turnAt, turn: describeItem(this.recent.at(-1)!), recorded, replayed, before: this.recent.slice(0, -1).map(describeItem) }
  }
}
