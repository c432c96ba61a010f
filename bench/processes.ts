import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Either } from 'effect'
import { catalog, scenarioVocabulary } from '../src/catalog/index.ts'
import { signingKeyFromSeed, verifySignature } from '../src/runtime/crypto/ed25519.ts'
import { freePort } from '../src/devnet/freePort.ts'
import { initDevnet } from '../src/devnet/init.ts'
import { adminConnection } from '../src/devnet/lifecycle.ts'
import { startNatsServer, type StartedNatsServer } from '../src/devnet/natsServer.ts'
import { isAlive, launchNode, type Launched } from '../src/devnet/processes.ts'
import { askAll } from '../src/devnet/statusClient.ts'
import { readCredentials } from '../src/runtime/process/natsConnection.ts'
import { readNetworkFile, type NetworkFile } from '../src/runtime/process/networkFile.ts'
import { subjectsOf } from '../src/runtime/process/subjects.ts'
import { loadScenario } from '../src/scenario/load.ts'

/**
 * Four validator processes over a real nats-server on this machine, timeout_commit 0:
 * heights per second and the time of a height (p50/p99 of each validator's
 * `validator.block-interval`), against — measured in the same run, on the same server,
 * before the validators start — the round trip of a message from one NATS client to
 * another and back. A height needs about three message delays (proposal, prevote,
 * precommit), so the goal is a p50 height time of at most 10 round trips.
 *
 * Also printed, as the floor under any height time: the signature work of one height
 * across the processes. Each of the 2n+1 consensus messages of a height carries two
 * signatures (its own, and its envelope's by the node key), made once and checked by
 * each of the n−1 other processes, all sharing this machine's cores. And, on Linux, the
 * CPU time the validators and the server actually spent per height over the measured
 * span: when it exceeds what the cores give in a height time, the processes are waiting
 * for a core, not for each other.
 */
const VALIDATORS = 4
const WARM_UP_HEIGHT = 5
const MEASURE_MS = 15_000
const RTT_SAMPLES = 2_000

const SCENARIO = `name: bench-processes
seed: 1
duration: 60s
roles:
  validator:
    count: ${VALIDATORS}
    params:
      timeouts: { commit: 0ms }
`

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

const connectAs = async (net: NetworkFile, node: string): Promise<NatsConnection> => {
  const auth = readCredentials(net.resolvePath(net.node(node)!.credentials!))
  if (Either.isLeft(auth)) throw auth.left
  return connect({ servers: net.nats.url, authenticator: auth.right })
}

/**
 * Ping-pong between two clients with two nodes' credentials, each on its own inbox
 * subject: client → server → client → server → client, what a request and its reply cost.
 */
const natsRoundTrip = async (net: NetworkFile): Promise<{ p50: number; p99: number }> => {
  const subjects = subjectsOf(net.network)
  const [a, b] = [await connectAs(net, 'validator-0'), await connectAs(net, 'validator-1')]
  a.subscribe(subjects.actor('validator-0'), { callback: (_e, msg) => a.publish(subjects.actor('validator-1'), msg.data) })
  let pong: (() => void) | undefined
  b.subscribe(subjects.actor('validator-1'), { callback: () => pong?.() })
  await Promise.all([a.flush(), b.flush()])
  const samples: number[] = []
  const payload = new Uint8Array(256)
  for (let i = 0; i < RTT_SAMPLES; i++) {
    const started = performance.now()
    await new Promise<void>((done) => {
      pong = done
      b.publish(subjects.actor('validator-0'), payload)
    })
    samples.push((performance.now() - started) * 1000)
  }
  await Promise.all([a.close(), b.close()])
  samples.sort((x, y) => x - y)
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) }
}

/** CPU ms of one height's signatures over n processes, from node:crypto costs measured here. */
const signatureFloor = (n: number): { cpuMs: number; wallMs: number } => {
  const key = signingKeyFromSeed(randomBytes(32))
  const message = randomBytes(200)
  const sig = key.sign(message)
  const time = (rounds: number, work: () => void): number => {
    const start = performance.now()
    for (let i = 0; i < rounds; i++) work()
    return (performance.now() - start) / rounds
  }
  time(500, () => key.sign(message))
  const signMs = time(2_000, () => key.sign(message))
  const verifyMs = time(2_000, () => verifySignature(key.publicKey, message, sig))
  const signatures = 2 * (2 * n + 1)
  const cpuMs = signatures * signMs + signatures * (n - 1) * verifyMs
  return { cpuMs, wallMs: cpuMs / Math.min(n, availableParallelism()) }
}

/** The kernel's CPU time unit in /proc/<pid>/stat (USER_HZ), 100 on Linux. */
const USER_HZ = 100

/** CPU time (ms, user + system) a process has used, from /proc; undefined where there is none. */
const cpuMs = (pid: number): number | undefined => {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ
  } catch {
    return undefined
  }
}

/** The CPU time of all of them, or undefined if one cannot be read. */
const cpuOf = (pids: readonly number[]): number | undefined => {
  const each = pids.map(cpuMs)
  return each.some((ms) => ms === undefined) ? undefined : each.reduce<number>((sum, ms) => sum + ms!, 0)
}

/** p50 and p99 of `validator.block-interval` (µs) from a node's Prometheus text. */
const blockInterval = async (port: number): Promise<{ p50: number; p99: number }> => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  const value = (q: string): number => Number(new RegExp(`^strata_validator_block_interval\\{[^}]*quantile="${q}"\\} (\\S+)$`, 'm').exec(text)?.[1])
  return { p50: value('0.5'), p99: value('0.99') }
}

export const processesBenchmark = async (): Promise<Record<string, unknown>> => {
  const dir = join(mkdtempSync(join(tmpdir(), 'strata-bench-')), 'devnet')
  const scenarioFile = join(dir, '..', 'bench.yaml')
  writeFileSync(scenarioFile, SCENARIO)
  const scenario = loadScenario(scenarioFile, scenarioVocabulary)
  if (Either.isLeft(scenario)) throw new Error(scenario.left.message)
  const init = await initDevnet(scenario.right, dir, catalog)
  if (Either.isLeft(init)) throw new Error(init.left.message)
  const { layout, natsPort } = init.right
  const net = readNetworkFile(layout.networkFile)
  if (Either.isLeft(net)) throw new Error(net.left.message)
  let nats: StartedNatsServer | undefined
  const nodes: Launched[] = []
  try {
    nats = await startNatsServer({ config: resolve(layout.natsConfig), cwd: layout.dir, port: natsPort, logFile: layout.natsLog, detached: false })
    const rtt = await natsRoundTrip(net.right)
    const floor = signatureFloor(VALIDATORS)
    const ports: number[] = []
    for (const node of net.right.nodes) {
      const port = await freePort()
      ports.push(port)
      nodes.push(launchNode({ id: node.id, role: node.role, networkFile: resolve(layout.networkFile), dataDir: resolve(layout.nodeData(node.id)), logFile: layout.nodeLog(node.id), metricsPort: port, detached: false, record: false }))
    }
    const admin = await adminConnection(net.right)
    const ids = net.right.nodes.map((n) => n.id)
    const minHeight = async (): Promise<number> => {
      const answers = await askAll(admin, net.right.network, ids, 2_000)
      return Math.min(...[...answers.values()].map((a) => (a.ok ? (a.status.figures.height ?? 0) : 0)))
    }
    const deadline = performance.now() + 120_000
    while ((await minHeight()) < WARM_UP_HEIGHT) {
      if (performance.now() > deadline) throw new Error(`the validators did not reach height ${WARM_UP_HEIGHT} in 2 minutes; see the logs in ${layout.logs}`)
      await sleep(100)
    }
    const validatorPids = nodes.map((n) => n.pid)
    const [h0, t0, validatorCpu0, serverCpu0] = [await minHeight(), performance.now(), cpuOf(validatorPids), cpuMs(nats.pid)]
    await sleep(MEASURE_MS)
    const [h1, t1, validatorCpu1, serverCpu1] = [await minHeight(), performance.now(), cpuOf(validatorPids), cpuMs(nats.pid)]
    const intervals = await Promise.all(ports.map(blockInterval))
    await admin.close()
    const p50 = [...intervals.map((i) => i.p50)].sort((x, y) => x - y)[Math.floor(intervals.length / 2)]!
    const p99 = Math.max(...intervals.map((i) => i.p99))
    const cores = Math.min(VALIDATORS, availableParallelism())
    const perHeight = (before: number | undefined, after: number | undefined): number | undefined => (before === undefined || after === undefined ? undefined : (after - before) / (h1 - h0))
    const validatorCpu = perHeight(validatorCpu0, validatorCpu1)
    const serverCpu = perHeight(serverCpu0, serverCpu1)
    const cpu =
      validatorCpu === undefined || serverCpu === undefined
        ? {}
        : {
            [`CPU per height, ${VALIDATORS} validator processes (ms)`]: validatorCpu,
            'CPU per height, nats-server (ms)': serverCpu,
            [`that CPU spread over ${cores} cores (ms)`]: (validatorCpu + serverCpu) / cores,
          }
    return {
      validators: VALIDATORS,
      'heights per second': (h1 - h0) / ((t1 - t0) / 1000),
      'height time p50 (ms)': p50 / 1000,
      'height time p99 (ms)': p99 / 1000,
      'NATS round trip p50 (ms)': rtt.p50 / 1000,
      'NATS round trip p99 (ms)': rtt.p99 / 1000,
      'p50 height / NATS round trip (goal ≤ 10)': p50 / rtt.p50,
      'signature work per height, all processes (CPU ms)': floor.cpuMs,
      [`its floor on ${cores} cores (ms)`]: floor.wallMs,
      'that floor / NATS round trip': (floor.wallMs * 1000) / rtt.p50,
      ...cpu,
    }
  } finally {
    for (const node of nodes) if (isAlive(node.pid)) process.kill(node.pid, 'SIGTERM')
    await Promise.all(nodes.map((n) => n.exited))
    if (nats !== undefined && isAlive(nats.pid)) process.kill(nats.pid, 'SIGTERM')
    await nats?.exited
    rmSync(join(dir, '..'), { recursive: true, force: true })
  }
}
