import { Cause, Context, Data, Exit, Runtime } from 'effect'
import type { ActorDef, Behavior } from './actor.ts'
import { isRoleDestination, toRole, toTopic, type ActorId, type Destination } from './address.ts'
import { ENVELOPE_VERSION, type Envelope } from './envelope.ts'
import {
  BulkChannel,
  Clock,
  Directory,
  Keys,
  Log,
  Metrics,
  Random,
  Reports,
  Self,
  Store,
  Timers,
  Transport,
  type ActorServices,
  type DirectoryService,
  type KeyService,
  type LogService,
  type MetricsService,
  type RandomService,
  type ReportService,
  type RequestOutcome,
  type StoreService,
} from './services.ts'
import type { Micros } from './time.ts'

/**
 * What a host needs from the node it runs on. The simulator implements it with virtual
 * time and a modelled network; process mode with the wall clock and NATS. Everything an
 * actor does to the world goes through here, which is what lets the same actor code run
 * unchanged in both.
 */
export interface HostEnvironment {
  readonly directory: DirectoryService
  now(): Micros
  /** Schedules `host.timerDue(name, token)` after `after` on this node's clock. */
  scheduleTimer(host: ActorHost, name: string, token: number, after: Micros): void
  transmit(envelope: Envelope, channel: 'message' | 'bulk'): void
  subscribe(actor: ActorId, topic: string): void
  unsubscribe(actor: ActorId, topic: string): void
  /** Whether any live actor could receive a message sent to this destination. */
  hasResponders(to: Destination): boolean
  random(actor: ActorId): RandomService
  store(actor: ActorId): StoreService
  log(actor: ActorId): LogService
  metrics(actor: ActorId): MetricsService
  reports(actor: ActorId): ReportService
  keys(actor: ActorId): KeyService
}

export class ActorStartError extends Data.TaggedError('ActorStartError')<{ readonly actor: ActorId; readonly detail: string }> {
  override get message(): string {
    return `actor ${this.actor} failed to start: ${this.detail}`
  }
}

/** Timer names the host uses for itself; actors never see them. */
const REQUEST_TIMER = '__request:'
const EPOCH_KEY = '__runtime/epoch'

interface PendingRequest {
  readonly onOutcome: (outcome: RequestOutcome) => void
}

/**
 * Runs one actor: builds its services over the host environment, starts it (and restarts
 * it, for its supervisor), turns deliveries and timers into calls on its behaviour, and
 * correlates request/reply. A handler that throws propagates to the caller, which tells
 * the supervisor.
 */
export class ActorHost {
  private behavior: Behavior | undefined
  private timers = new Map<string, { token: number; data: unknown }>()
  private requests = new Map<string, PendingRequest>()
  private nextToken = 1
  private epoch = 0
  /** `<id>#<epoch>.`, the start of every envelope id this incarnation sends. */
  private idPrefix = ''
  private sent = 0
  private readonly topics: readonly string[]

  constructor(
    readonly id: ActorId,
    readonly def: ActorDef,
    readonly params: Readonly<Record<string, unknown>>,
    private readonly env: HostEnvironment,
  ) {
    this.topics = def.topics ?? []
  }

  get running(): boolean {
    return this.behavior !== undefined
  }

  start(): void {
    this.resetVolatileState()
    const store = this.env.store(this.id)
    this.epoch = readEpoch(store) + 1
    this.idPrefix = `${this.id}#${this.epoch}.`
    store.put(EPOCH_KEY, encodeEpoch(this.epoch))
    store.sync()
    for (const topic of this.topics) this.env.subscribe(this.id, topic)
    // A runtime that carries the services, rather than Effect.provide: the fiber starts with
    // them instead of setting and restoring them around `start`, which every node's boot repeats.
    const runtime = Runtime.make({ context: this.services(), runtimeFlags: Runtime.defaultRuntime.runtimeFlags, fiberRefs: Runtime.defaultRuntime.fiberRefs })
    const exit = Runtime.runSyncExit(runtime)(this.def.start)
    if (Exit.isFailure(exit)) throw new ActorStartError({ actor: this.id, detail: Cause.pretty(exit.cause) })
    this.behavior = exit.value
  }

  /** Clean stop: the behaviour's onStop runs. */
  stop(): void {
    const behavior = this.behavior
    this.halt()
    behavior?.onStop?.()
  }

  /** Stops without clean-up: a crash, or a supervisor restarting siblings. */
  halt(): void {
    for (const topic of this.topics) this.env.unsubscribe(this.id, topic)
    this.behavior = undefined
    this.resetVolatileState()
  }

  deliver(envelope: Envelope): void {
    const behavior = this.behavior
    if (behavior === undefined) return
    if (envelope.re !== undefined) {
      const pending = this.requests.get(envelope.re)
      if (pending !== undefined) {
        this.requests.delete(envelope.re)
        this.timers.delete(REQUEST_TIMER + envelope.re)
        pending.onOutcome({ ok: true, reply: envelope })
        return
      }
    }
    behavior.onMessage(envelope)
  }

  /**
   * Called by the environment when a scheduled timer comes due. Returns false for a
   * timer that was cancelled or replaced since (nothing happens, nothing is traced).
   */
  timerIsCurrent(name: string, token: number): boolean {
    return this.behavior !== undefined && this.timers.get(name)?.token === token
  }

  fireTimer(name: string): void {
    const timer = this.timers.get(name)
    if (timer === undefined) return
    this.timers.delete(name)
    if (name.startsWith(REQUEST_TIMER)) {
      const id = name.slice(REQUEST_TIMER.length)
      const pending = this.requests.get(id)
      this.requests.delete(id)
      pending?.onOutcome({ ok: false, error: 'timeout' })
      return
    }
    this.behavior?.onTimer?.(name, timer.data)
  }

  figures(): Readonly<Record<string, number>> {
    return this.behavior?.figures?.() ?? {}
  }

  private resetVolatileState(): void {
    this.timers = new Map()
    this.requests = new Map()
  }

  private setTimer(name: string, after: Micros, data: unknown): void {
    const token = this.nextToken++
    this.timers.set(name, { token, data })
    this.env.scheduleTimer(this, name, token, Math.max(0, Math.round(after)))
  }

  private envelope(to: Destination, kind: string, body: unknown, re?: string): Envelope {
    const base = { v: ENVELOPE_VERSION, id: this.idPrefix + ++this.sent, from: this.id, to, kind, at: this.env.now(), body }
    return re === undefined ? base : { ...base, re }
  }

  private services(): Context.Context<ActorServices> {
    const env = this.env
    const send = (to: Destination, kind: string, body: unknown): void => {
      if (isRoleDestination(to) && !env.hasResponders(to)) {
        env.metrics(this.id).count('transport.no-responders')
        return
      }
      env.transmit(this.envelope(to, kind, body), 'message')
    }
    return Context.empty().pipe(
      Context.add(Self, { id: this.id, role: this.def.role, params: this.params }),
      Context.add(Clock, { now: () => env.now() }),
      Context.add(Timers, {
        set: (name, after, data) => this.setTimer(name, after, data),
        cancel: (name) => void this.timers.delete(name),
        isPending: (name) => this.timers.has(name),
      }),
      Context.add(Transport, {
        send,
        publish: (topic, kind, body) => send(toTopic(topic), kind, body),
        sendAny: (role, kind, body) => send(toRole(role), kind, body),
        request: (to, kind, body, timeout, onOutcome) => {
          const envelope = this.envelope(to, kind, body)
          if (!env.hasResponders(to)) {
            // Answer on the next event, never inside the caller's own handler.
            this.requests.set(envelope.id, { onOutcome: () => onOutcome({ ok: false, error: 'no-responders' }) })
            this.setTimer(REQUEST_TIMER + envelope.id, 0, undefined)
            return
          }
          this.requests.set(envelope.id, { onOutcome })
          this.setTimer(REQUEST_TIMER + envelope.id, timeout, undefined)
          env.transmit(envelope, 'message')
        },
        reply: (request, kind, body) => env.transmit(this.envelope(request.from, kind, body, request.id), 'message'),
        subscribe: (topic) => env.subscribe(this.id, topic),
        unsubscribe: (topic) => env.unsubscribe(this.id, topic),
      }),
      Context.add(BulkChannel, { send: (to, kind, body) => env.transmit(this.envelope(to, kind, body), 'bulk') }),
      Context.add(Random, env.random(this.id)),
      Context.add(Store, env.store(this.id)),
      Context.add(Log, env.log(this.id)),
      Context.add(Metrics, env.metrics(this.id)),
      Context.add(Reports, env.reports(this.id)),
      Context.add(Directory, env.directory),
      Context.add(Keys, env.keys(this.id)),
    )
  }
}

const readEpoch = (store: StoreService): number => {
  const bytes = store.get(EPOCH_KEY)
  if (bytes === undefined || bytes.length !== 4) return 0
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
}

const encodeEpoch = (epoch: number): Uint8Array => {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, epoch >>> 0)
  return bytes
}
