import { Context } from 'effect'
import type { ActorId, Destination } from './address.ts'
import type { Envelope } from './envelope.ts'
import type { Micros } from './time.ts'

/**
 * The services are the only way actor code touches the world. Their methods are
 * synchronous on purpose: an actor handles one message to completion, and in
 * simulation that happens inside one discrete event (running an Effect per message
 * was measured at ~3 µs, a budget the simulator cannot afford at 150k envelopes/s).
 * Effect is used where it pays: building layers, typed errors, resource scopes,
 * supervision of the process, start-up (where an actor recovers its durable state).
 */

/** Reads the node's own clock: drifts and jumps in simulation, the wall clock in process mode. */
export interface ClockService {
  now(): Micros
}

/**
 * Named one-shot timers. Setting a name that is already pending replaces it. Durations
 * are measured on the node's monotonic clock, so a clock jump moves `now()` but not
 * pending timers.
 */
export interface TimerService {
  set(name: string, after: Micros, data?: unknown): void
  cancel(name: string): void
  isPending(name: string): boolean
}

export type RequestOutcome =
  | { readonly ok: true; readonly reply: Envelope }
  | { readonly ok: false; readonly error: 'timeout' | 'no-responders' | 'rejected' }

export interface TransportService {
  /** Sends to one actor, a topic ("topic:x") or any live actor of a role ("role:x"). */
  send(to: Destination, kind: string, body: unknown): void
  publish(topic: string, kind: string, body: unknown): void
  /** Sends to any one live actor of the role. Dropped (and counted) if none is live. */
  sendAny(role: string, kind: string, body: unknown): void
  /** Request/reply: `onOutcome` runs exactly once, with the reply or a typed failure. */
  request(to: Destination, kind: string, body: unknown, timeout: Micros, onOutcome: (outcome: RequestOutcome) => void): void
  reply(request: Envelope, kind: string, body: unknown): void
  subscribe(topic: string): void
  unsubscribe(topic: string): void
}

/**
 * Large payloads (8 MiB fragments, snapshots): delivered as an envelope like any other,
 * but carried on a channel whose cost is its size over the link's bandwidth.
 */
export interface BulkChannelService {
  send(to: ActorId, kind: string, body: unknown): void
}

/** A deterministic stream of numbers: per actor, derived from the run seed. */
export interface RandomService {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
  bytes(n: number): Uint8Array
  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[]
}

/**
 * Durable key-value bytes. Writes are visible at once; they become durable at `sync()`
 * (or when the store flushes a batch by itself). On a crash, writes not yet synced may be
 * lost, and in simulation a read may return corrupted bytes — so callers that care keep
 * a checksum (see `storedValue.ts`).
 */
export interface StoreService {
  get(key: string): Uint8Array | undefined
  put(key: string, value: Uint8Array): void
  delete(key: string): void
  /** Keys with the prefix, in bytewise order. */
  keys(prefix: string): string[]
  /** Makes every write so far durable before returning. */
  sync(): void
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogService {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void
}

export interface MetricsService {
  /** Adds to a counter. */
  count(name: string, by?: number): void
  /** Sets a gauge. */
  gauge(name: string, value: number): void
  /** Records one observation of a distribution (latencies, sizes). */
  observe(name: string, value: number): void
}

/**
 * Facts an actor states about its own decisions (see the `report` protocol effect).
 * Simulation checkers consume them; process mode logs and records them.
 */
export interface ReportService {
  report(event: string, data: unknown): void
}

/**
 * The actor's identity key (ed25519) and the public keys of the others. In simulation
 * every key is derived from the run seed; in process mode the node's key comes from its
 * data directory and the others' from the network file.
 */
export interface KeyService {
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
  publicKeyOf(actor: ActorId): Uint8Array | undefined
}

export class Clock extends Context.Tag('strata/Clock')<Clock, ClockService>() {}
export class Timers extends Context.Tag('strata/Timers')<Timers, TimerService>() {}
export class Transport extends Context.Tag('strata/Transport')<Transport, TransportService>() {}
export class BulkChannel extends Context.Tag('strata/BulkChannel')<BulkChannel, BulkChannelService>() {}
export class Random extends Context.Tag('strata/Random')<Random, RandomService>() {}
export class Store extends Context.Tag('strata/Store')<Store, StoreService>() {}
export class Log extends Context.Tag('strata/Log')<Log, LogService>() {}
export class Metrics extends Context.Tag('strata/Metrics')<Metrics, MetricsService>() {}
export class Reports extends Context.Tag('strata/Reports')<Reports, ReportService>() {}
export class Keys extends Context.Tag('strata/Keys')<Keys, KeyService>() {}

/** Identity of the actor a set of services belongs to. */
export interface SelfService {
  readonly id: ActorId
  readonly role: string
  /** Parameters the scenario or network file gave this role. */
  readonly params: Readonly<Record<string, unknown>>
}
export class Self extends Context.Tag('strata/Self')<Self, SelfService>() {}

export type ActorServices = Clock | Timers | Transport | BulkChannel | Random | Store | Log | Metrics | Self | Directory | Reports | Keys

export interface DirectoryEntry {
  readonly id: ActorId
  readonly role: string
  /** Its definition's `params`. */
  readonly params?: unknown
}

/** Who is in the network (from the scenario or the network file), in a stable order. */
export interface DirectoryService {
  all(): readonly DirectoryEntry[]
  ofRole(role: string): readonly ActorId[]
  /** The parameters `actor` was built from, if its definition gives them. */
  paramsOf(actor: ActorId): unknown
}
export class Directory extends Context.Tag('strata/Directory')<Directory, DirectoryService>() {}
