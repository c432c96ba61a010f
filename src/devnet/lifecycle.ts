import { resolve } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import { Data, Either } from 'effect'
import { connectNats, readCredentials } from '../runtime/process/natsConnection.ts'
import { pidInDataDir } from '../runtime/process/dataDir.ts'
import type { NetworkFile } from '../runtime/process/networkFile.ts'
import { freePort, portInUse } from './freePort.ts'
import type { DevnetLayout } from './layout.ts'
import { startNatsServer } from './natsServer.ts'
import { isOurs, launchNode, stopProcesses } from './processes.ts'
import { natsMarkers, nodeMarkers, readState, removeState, writeState, type DevnetState } from './state.ts'
import { askAll } from './statusClient.ts'
import { devnetReport, type DevnetReport } from './statusReport.ts'

export class DevnetError extends Data.TaggedError('DevnetError')<{ readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return this.detail
  }
}

/** Grace for a node's clean shutdown (stores synced, NATS drained) before SIGKILL. */
const NODE_STOP_GRACE_MS = 15_000
const NATS_STOP_GRACE_MS = 10_000
const STATUS_TIMEOUT_MS = 1_500

const natsPortOf = (net: NetworkFile): number => {
  const port = Number(new URL(net.nats.url).port)
  if (!Number.isInteger(port) || port < 1) throw new DevnetError({ detail: `${net.path}: nats.url ${net.nats.url} names no port`, hint: 'give nats.url a port, e.g. nats://127.0.0.1:4222' })
  return port
}

/** The devnet that runs in this directory, if any (its nats-server still alive). */
export const runningState = (layout: DevnetLayout): DevnetState | undefined => {
  const state = readState(layout.stateFile)
  if (Either.isLeft(state) || state.right === undefined) return undefined
  return isOurs(state.right.nats.pid, natsMarkers(state.right)) || state.right.nodes.some((n) => isOurs(n.pid, nodeMarkers(state.right!, n.id))) ? state.right : undefined
}

/**
 * Starts the devnet's nats-server, then one `strata node` per node of the network file,
 * each with its data directory, log file and a metrics port, and writes the state file.
 * `detached`: the processes outlive this one (`devnet up --detach`).
 */
export const startDevnet = async (
  layout: DevnetLayout,
  net: NetworkFile,
  options: { readonly detached: boolean; readonly record: boolean; readonly recordLimit?: string },
): Promise<{ readonly state: DevnetState; readonly exits: Promise<unknown>[] }> => {
  const stale = readState(layout.stateFile)
  if (Either.isRight(stale) && stale.right !== undefined && runningState(layout) !== undefined) {
    throw new DevnetError({ detail: `a devnet already runs in ${layout.dir} (nats-server pid ${stale.right.nats.pid})`, hint: `see it with \`strata devnet status --dir ${layout.dir}\`, stop it with \`strata devnet down --dir ${layout.dir}\`` })
  }
  const port = natsPortOf(net)
  if (await portInUse(port)) {
    throw new DevnetError({ detail: `port ${port} of ${net.nats.url} is already in use`, hint: 'stop whatever listens there, or make a new devnet (`strata devnet init --dir OTHER`), which picks a free port' })
  }
  const networkFile = resolve(layout.networkFile)
  const config = resolve(layout.natsConfig)
  const nats = await startNatsServer({ config, cwd: layout.dir, port, logFile: layout.natsLog, detached: options.detached })
  const exits: Promise<unknown>[] = [nats.exited]
  const nodes: DevnetState['nodes'][number][] = []
  for (const node of net.nodes) {
    const metricsPort = await freePort()
    const launched = launchNode({ id: node.id, role: node.role, networkFile, dataDir: resolve(layout.nodeData(node.id)), logFile: layout.nodeLog(node.id), metricsPort, detached: options.detached, record: options.record, ...(options.recordLimit === undefined ? {} : { recordLimit: options.recordLimit }) })
    exits.push(launched.exited)
    nodes.push({ id: node.id, role: node.role, pid: launched.pid, data: layout.nodeData(node.id), log: layout.nodeLog(node.id), metricsPort })
  }
  const state: DevnetState = {
    network: net.network,
    networkFile,
    startedAt: new Date().toISOString(),
    ...(options.detached ? {} : { upPid: process.pid }),
    nats: { pid: nats.pid, log: layout.natsLog, url: net.nats.url, port, config },
    nodes,
  }
  writeState(layout.stateFile, state)
  return { state, exits }
}

/** Stops every node (SIGTERM, SIGKILL after a grace), then nats-server, and removes the state file. Returns what needed SIGKILL. */
export const stopDevnet = async (layout: DevnetLayout, state: DevnetState): Promise<string[]> => {
  // A node restarted by hand since `up` is found through the pid file in its data directory.
  const restarted = state.nodes.flatMap((n) => {
    const pid = pidInDataDir(n.data)
    return pid === undefined || pid === n.pid ? [] : [{ name: n.id, pid, markers: ['node', n.id] }]
  })
  const killed = await stopProcesses([...state.nodes.map((n) => ({ name: n.id, pid: n.pid, markers: nodeMarkers(state, n.id) })), ...restarted], NODE_STOP_GRACE_MS)
  killed.push(...(await stopProcesses([{ name: 'nats-server', pid: state.nats.pid, markers: natsMarkers(state) }], NATS_STOP_GRACE_MS)))
  removeState(layout.stateFile)
  return killed
}

/** An operator connection with the network's admin credentials. */
export const adminConnection = async (net: NetworkFile): Promise<NatsConnection> => {
  const creds = net.nats.adminCredentials === undefined ? undefined : readCredentials(net.resolvePath(net.nats.adminCredentials))
  if (creds !== undefined && Either.isLeft(creds)) throw new DevnetError({ detail: creds.left.message, hint: 'the devnet directory is incomplete: make a new one with `strata devnet init`' })
  return connectNats({ url: net.nats.url, name: `strata devnet tools (${net.network})`, ...(creds === undefined ? {} : { authenticator: creds.right }) })
}

/** Every node's status, as far as the processes and NATS can tell. */
export const collectReport = async (state: DevnetState, nc: NatsConnection | undefined): Promise<DevnetReport> => {
  const answers = nc === undefined ? new Map() : await askAll(nc, state.network, state.nodes.map((n) => n.id), STATUS_TIMEOUT_MS)
  return devnetReport(state, isOurs(state.nats.pid, natsMarkers(state)), (node) => isOurs(node.pid, nodeMarkers(state, node.id)), answers)
}
