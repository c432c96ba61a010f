import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { PermissionViolationError, type Authenticator, type NatsConnection } from '@nats-io/transport-node'
import { Effect } from 'effect'
import { StoreOpenError, type LmdbStore } from '../store/lmdbStore.ts'
import type { SupervisorSpec } from '../supervisor.ts'
import { claimDataDir, DataDirError, openStores } from './dataDir.ts'
import type { JsonLog } from './jsonLog.ts'
import { BulkStartError, Libp2pBulk } from './libp2pBulk.ts'
import { MetricsServerError, serveMetrics } from './metricsServer.ts'
import { connectNats, NatsConnectError, NatsPermissionError } from './natsConnection.ts'
import { natsWire } from './natsWire.ts'
import type { NodeKey } from './nodeKey.ts'
import type { NetworkPlan, NodePlan } from './nodePlan.ts'
import { actorMetrics, nodeStatus } from './nodeStatus.ts'
import { LiveRecorder, recordingDir, snapshotStores } from '../live/recorder.ts'
import { SEGMENT_FORMAT, SEGMENT_FORMAT_VERSION } from '../live/recording.ts'
import { wallMicros } from './wallClock.ts'
import { Presence } from './presence.ts'
import { ProcessEnvironment, type ProcessLimits } from './processEnvironment.ts'
import { prometheusText } from './prometheus.ts'
import { subjectsOf, type Subjects } from './subjects.ts'

export interface NodeOptions {
  readonly network: string
  readonly plan: NetworkPlan
  readonly self: NodePlan
  readonly supervisor: SupervisorSpec
  readonly limits: ProcessLimits
  readonly key: NodeKey
  readonly nats: { readonly url: string; readonly authenticator?: Authenticator }
  readonly dataDir: string
  /** Serve Prometheus text on 127.0.0.1:port. */
  readonly metricsPort?: number
  /** The libp2p listen multiaddr for the bulk channel. */
  readonly bulkListen: string
  readonly log: JsonLog
  /** Aborted to stop the node cleanly (SIGTERM, SIGINT). */
  readonly stop: AbortSignal
  /** Record every turn under `<data>/recording/` (docs/process-mode.md, "Recording and replay"). */
  readonly record?: {
    readonly networkFile: { readonly path: string; readonly text: string }
    readonly codeVersion: string
    /** The most disk the recording (all its segments) may take, in bytes. */
    readonly limitBytes: number
  }
}

export type NodeError = DataDirError | StoreOpenError | NatsConnectError | NatsPermissionError | BulkStartError | MetricsServerError

/** How the node ended: asked to stop, or its supervisor gave up. */
export type NodeOutcome = 'stopped' | 'failed'

/** Heartbeats every 500 ms; a node unheard for 2 s (four beats) is down. */
const PRESENCE_INTERVAL_MS = 500
const PRESENCE_STALE_MS = 2_000
/** Past this, a drain that cannot reach the server is abandoned and the connection closed. */
const DRAIN_TIMEOUT = '5 seconds'
/** How often a recording's buffered items reach the disk: what a SIGKILL can lose. */
const RECORDING_FLUSH_MS = 100

const typed = <E>(isExpected: (e: unknown) => e is E, wrap: (e: unknown) => E) => (error: unknown): E => (isExpected(error) ? error : wrap(error))

/**
 * Runs one node until `stop` is aborted or its supervisor gives up. Each resource is
 * acquired in a scope, so that however the node ends they are released in reverse order:
 * actors stopped (and a last `leaving` heartbeat sent), libp2p stopped, NATS drained (every
 * publish flushed), stores synced and closed, the data directory released. A SIGKILL skips
 * all of that, which the stores' durability point (`sync()`) is designed for.
 */
export const runNode = (options: NodeOptions): Effect.Effect<NodeOutcome, NodeError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { self, log } = options
      const subjects = subjectsOf(options.network)
      yield* Effect.acquireRelease(
        Effect.try({ try: () => claimDataDir(options.dataDir), catch: typed((e) => e instanceof DataDirError, (e) => new DataDirError({ path: options.dataDir, detail: String(e), hint: 'check the --data directory' })) }),
        (release) => Effect.sync(release),
      )
      const stores = yield* Effect.acquireRelease(
        Effect.try({
          try: () => openStores(options.dataDir, self.actors.map((a) => a.id)),
          catch: typed((e) => e instanceof StoreOpenError, (e) => new StoreOpenError({ path: options.dataDir, detail: String(e) })),
        }),
        (opened) => closeStores(opened, log),
      )
      const nc = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => connectNats({ url: options.nats.url, name: `strata ${options.network}/${self.id}`, ...(options.nats.authenticator === undefined ? {} : { authenticator: options.nats.authenticator }) }),
          catch: typed((e) => e instanceof NatsConnectError, (e) => new NatsConnectError({ url: options.nats.url, detail: String(e), hint: 'check the --nats URL' })),
        }),
        drain,
      )
      // The bulk channel may deliver before the environment exists; such an envelope is dropped.
      let env: ProcessEnvironment | undefined
      const bulk = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () =>
            Libp2pBulk.start({
              seed: options.key.seed,
              listen: options.bulkListen,
              maxBytes: options.limits.maxBulkBytes,
              onReceive: (bytes) => env?.receive(bytes, { type: 'bulk' }),
              onReceiveError: (detail) => {
                env?.metrics(self.id).count('bulk.errors')
                log.write('warn', 'bulk receive failed', { detail })
              },
            }),
          catch: typed((e) => e instanceof BulkStartError, (e) => new BulkStartError({ listen: options.bulkListen, detail: String(e) })),
        }),
        (b) => Effect.promise(() => b.stop().catch(() => undefined)),
      )
      const refused: string[] = []
      const onSubscriptionError = (subject: string, error: Error): void => {
        if (error instanceof PermissionViolationError) refused.push(subject)
        env?.metrics(self.id).count('nats.errors')
        log.write('warn', 'NATS subscription error', { subject, error: error.message })
      }
      const wire = natsWire(nc, onSubscriptionError)
      const presence = new Presence({
        self: self.id,
        signer: options.key.signer,
        publicKeyOf: (node) => options.plan.node(node)?.publicKey,
        publish: (bytes) => publishQuietly(nc, subjects.presence(self.id), bytes),
        onInvalid: () => env?.metrics(self.id).count('presence.errors'),
        interval: PRESENCE_INTERVAL_MS,
        staleAfter: PRESENCE_STALE_MS,
        now: () => performance.now(),
      })
      let markFailed = (): void => {}
      const failure = new Promise<NodeOutcome>((resolve) => (markFailed = () => resolve('failed')))
      // A random run seed: process mode is not deterministic, but the seed is logged and recorded, so an actor's draws can be replayed.
      const runSeed = randomBytes(4).readUInt32BE(0)
      const recorder = options.record === undefined ? undefined : yield* openRecorder(options, runSeed, stores)
      const environment = new ProcessEnvironment({
        self,
        plan: options.plan,
        subjects,
        supervisor: options.supervisor,
        limits: options.limits,
        runSeed,
        signer: options.key.signer,
        stores,
        log,
        wire,
        presence,
        bulk,
        onFailed: () => markFailed(),
        ...(recorder === undefined ? {} : { recorder }),
      })
      env = environment
      const reconnects = watchConnection(nc, log, () => presence.announce(), () => environment.metrics(self.id).count('nats.errors'))
      const status = () =>
        nodeStatus(environment, { id: self.id, role: self.role, network: options.network }, { liveNodes: presence.liveNodes(), nats: { server: nc.getServer(), reconnects: reconnects() }, bulk: bulk.addresses() })
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          environment.listen()
          return [
            wire.subscribe(subjects.presenceAll, undefined, (bytes) => presence.receive(bytes)),
            serveStatus(nc, subjects, self.id, () => JSON.stringify(status()), (error) => onSubscriptionError(subjects.status(self.id), error)),
          ]
        }),
        (subs) => Effect.sync(() => subs.forEach((sub) => sub.unsubscribe())),
      )
      // The server answers a subscription it refuses before the flush's PONG. A node given
      // another node's credentials would run deaf; it stops here, before any actor runs.
      yield* Effect.promise(() => nc.flush().catch(() => undefined))
      if (refused.length > 0) {
        return yield* Effect.fail(
          new NatsPermissionError({ url: options.nats.url, detail: `it may not subscribe to ${refused.join(', ')}`, hint: `these credentials are not ${self.id}'s: pass its own (--creds, or its credentials in the network file)` }),
        )
      }
      if (options.metricsPort !== undefined) {
        const port = options.metricsPort
        yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () =>
              serveMetrics(port, () => {
                const s = status()
                return prometheusText({ id: s.id, role: s.role, uptimeSeconds: s.uptimeSeconds }, actorMetrics(environment))
              }),
            catch: typed((e) => e instanceof MetricsServerError, (e) => new MetricsServerError({ port, detail: String(e) })),
          }),
          (server) => closeServer(server),
        )
      }
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          environment.start()
          presence.setBulkAddresses(bulk.addresses())
          presence.start()
        }),
        () =>
          Effect.sync(() => {
            environment.stop()
            presence.leave()
          }),
      )
      log.write('info', 'node up', {
        role: self.role,
        pid: process.pid,
        nats: nc.getServer(),
        bulk: bulk.addresses(),
        status: subjects.status(self.id),
        ...(options.metricsPort === undefined ? {} : { metrics: `http://127.0.0.1:${options.metricsPort}/metrics` }),
      })
      const outcome = yield* Effect.promise(() => Promise.race([failure, aborted(options.stop)]))
      log.write('info', outcome === 'failed' ? 'node failed, shutting down' : 'shutting down')
      return outcome
    }),
  )

/**
 * Opens this run's recording segment, with the stores as they are before any actor starts,
 * flushed on a short tick; released after the actors have stopped, so their last turn is in it.
 */
const openRecorder = (options: NodeOptions, runSeed: number, stores: ReadonlyMap<string, LmdbStore>) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        const recorder = LiveRecorder.open(
          recordingDir(options.dataDir),
          {
            format: SEGMENT_FORMAT,
            formatVersion: SEGMENT_FORMAT_VERSION,
            network: options.network,
            node: options.self.id,
            runSeed,
            codeVersion: options.record!.codeVersion,
            startedAt: wallMicros(),
            networkFile: options.record!.networkFile,
            stores: snapshotStores(stores),
          },
          (error) => options.log.write('error', 'recording stopped: cannot write it', { error: error.message }),
          {
            bytes: options.record!.limitBytes,
            onReached: (used) =>
              options.log.write('warn', `recording stopped at its limit: ${used} bytes recorded of ${options.record!.limitBytes}; what is recorded replays as it is`, {
                hint: 'export it with `strata devnet record`, then remove DIR/recording/ or pass a larger --record-limit',
              }),
          },
        )
        if (recorder === undefined) return { recorder, tick: undefined }
        const tick = setInterval(() => recorder.flush(), RECORDING_FLUSH_MS)
        options.log.write('info', 'recording', { path: recorder.path, limitBytes: options.record!.limitBytes })
        return { recorder, tick }
      },
      catch: (e) => new DataDirError({ path: recordingDir(options.dataDir), detail: `cannot start the recording: ${String(e)}`, hint: 'check that the data directory is writable, or run without --record' }),
    }),
    ({ recorder, tick }) =>
      Effect.sync(() => {
        clearInterval(tick)
        recorder?.close()
      }),
  ).pipe(Effect.map(({ recorder }) => recorder))

const aborted = (signal: AbortSignal): Promise<NodeOutcome> =>
  new Promise((resolve) => (signal.aborted ? resolve('stopped') : signal.addEventListener('abort', () => resolve('stopped'), { once: true })))

const publishQuietly = (nc: NatsConnection, subject: string, bytes: Uint8Array): void => {
  // A heartbeat lost to a closed connection is harmless: the next one, or the silence, says the same.
  if (!nc.isClosed() && !nc.isDraining()) nc.publish(subject, bytes)
}

/** Answers status requests with the JSON the caller builds. */
const serveStatus = (nc: NatsConnection, subjects: Subjects, id: string, render: () => string, onError: (error: Error) => void) =>
  nc.subscribe(subjects.status(id), {
    callback: (error, msg) => {
      if (error !== null) return onError(error)
      if (msg.reply !== undefined) msg.respond(new TextEncoder().encode(render()))
    },
  })

/**
 * Logs the connection's ups and downs, re-announces presence after a reconnect (peers may
 * have dropped this node meanwhile), and counts reconnects. Ends with the connection.
 */
const watchConnection = (nc: NatsConnection, log: JsonLog, onReconnect: () => void, onError: () => void): (() => number) => {
  let reconnects = 0
  void (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          log.write('warn', 'NATS connection lost, reconnecting', { server: status.server })
          break
        case 'reconnect':
          reconnects++
          log.write('info', 'NATS reconnected', { server: status.server })
          onReconnect()
          break
        case 'error':
          onError()
          log.write('warn', 'NATS error', { error: status.error.message })
          break
        default:
          break
      }
    }
  })()
  return () => reconnects
}

const drain = (nc: NatsConnection): Effect.Effect<void> =>
  Effect.tryPromise(() => nc.drain()).pipe(
    Effect.timeout(DRAIN_TIMEOUT),
    Effect.catchAll(() => Effect.tryPromise(() => nc.close())),
    Effect.ignore,
  )

const closeStores = (stores: ReadonlyMap<string, LmdbStore>, log: JsonLog): Effect.Effect<void> =>
  Effect.forEach(
    [...stores],
    ([actor, store]) =>
      Effect.tryPromise(() => store.close()).pipe(
        Effect.catchAll((error) => Effect.sync(() => log.write('error', 'cannot close store: unsynced writes may be lost', { error: String(error.cause) }, actor))),
      ),
    { discard: true },
  )

const closeServer = (server: Server): Effect.Effect<void> => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
