import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import { Either } from 'effect'
import { afterAll, beforeAll } from 'vitest'
import { catalog, scenarioVocabulary } from '../../../src/catalog/index.ts'
import { initDevnet } from '../../../src/devnet/init.ts'
import type { DevnetLayout } from '../../../src/devnet/layout.ts'
import { adminConnection } from '../../../src/devnet/lifecycle.ts'
import { startNatsServer } from '../../../src/devnet/natsServer.ts'
import { isAlive, launchNode, type Launched } from '../../../src/devnet/processes.ts'
import { askStatus } from '../../../src/devnet/statusClient.ts'
import { readNetworkFile, type NetworkFile } from '../../../src/runtime/process/networkFile.ts'
import type { NodeStatus } from '../../../src/runtime/process/nodeStatus.ts'
import { loadScenario } from '../../../src/scenario/load.ts'

/**
 * A devnet for tests, driven through the same functions `strata devnet` uses (init,
 * nats-server, `strata node` processes) but with each step in the test's hands: kill a
 * node, restart it, restart the server. Every process it starts is tracked by pid and
 * killed by `dispose`, which tests call in afterAll, so a failing test leaves nothing behind.
 */
export class ProcessDevnet {
  private readonly nodes = new Map<string, Launched>()
  private nats: Launched | undefined
  private admin: NatsConnection | undefined

  private constructor(
    readonly layout: DevnetLayout,
    readonly net: NetworkFile,
    readonly natsPort: number,
  ) {}

  static async create(scenarioPath: string): Promise<ProcessDevnet> {
    const dir = join(mkdtempSync(join(tmpdir(), 'strata-devnet-')), 'devnet')
    const scenario = loadScenario(scenarioPath, scenarioVocabulary)
    if (Either.isLeft(scenario)) throw new Error(scenario.left.message)
    const init = await initDevnet(scenario.right, dir, catalog)
    if (Either.isLeft(init)) throw new Error(init.left.message)
    const net = readNetworkFile(init.right.layout.networkFile)
    if (Either.isLeft(net)) throw new Error(net.left.message)
    return new ProcessDevnet(init.right.layout, net.right, init.right.natsPort)
  }

  get ids(): string[] {
    return this.net.nodes.map((n) => n.id)
  }

  /** Starts nats-server and every node, and waits until all of them report up. */
  async startAll(what: string): Promise<void> {
    await this.startNats()
    for (const id of this.ids) this.startNode(id)
    await this.waitForAll(this.ids, what, (s) => s.state === 'up')
  }

  async startNats(): Promise<void> {
    this.nats = await startNatsServer({ config: resolve(this.layout.natsConfig), cwd: this.layout.dir, port: this.natsPort, logFile: this.layout.natsLog, detached: false })
  }

  async stopNats(): Promise<void> {
    if (this.nats === undefined) return
    await stop(this.nats, 'SIGTERM')
    this.nats = undefined
  }

  startNode(id: string): void {
    const node = this.net.node(id)
    if (node === undefined) throw new Error(`no node ${id}`)
    this.nodes.set(id, launchNode({ id, role: node.role, networkFile: resolve(this.layout.networkFile), dataDir: resolve(this.layout.nodeData(id)), logFile: this.layout.nodeLog(id), detached: false, record: true }))
  }

  /** Signals a node and waits for it to exit; resolves its exit code. */
  async stopNode(id: string, signal: NodeJS.Signals): Promise<number | null> {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`node ${id} is not running`)
    const code = await stop(node, signal)
    this.nodes.delete(id)
    return code
  }

  pidOf(id: string): number | undefined {
    return this.nodes.get(id)?.pid
  }

  async connectAdmin(): Promise<NatsConnection> {
    this.admin ??= await adminConnection(this.net)
    return this.admin
  }

  async status(id: string): Promise<NodeStatus | undefined> {
    const answer = await askStatus(await this.connectAdmin(), this.net.network, id, 1_000)
    return answer.ok ? answer.status : undefined
  }

  /** Polls every node's status until `accept` holds for all of them. */
  async waitForAll(ids: readonly string[], what: string, accept: (status: NodeStatus) => boolean, timeoutMs = 45_000): Promise<Map<string, NodeStatus>> {
    let last = new Map<string, NodeStatus | undefined>()
    return waitFor(
      async () => {
        last = new Map(await Promise.all(ids.map(async (id) => [id, await this.status(id)] as const)))
        const all = [...last.values()]
        return all.every((s) => s !== undefined && accept(s)) ? new Map(all.map((s) => [s!.id, s!])) : undefined
      },
      timeoutMs,
      () => `${what}; last statuses: ${JSON.stringify(Object.fromEntries([...last].map(([id, s]) => [id, s === undefined ? 'no answer' : { state: s.state, figures: s.figures, counters: s.counters, nats: s.nats }])))}; logs: ${this.logTails()}`,
    )
  }

  logTails(): string {
    return this.ids.map((id) => `\n--- ${id}\n${tail(this.layout.nodeLog(id))}`).join('') + `\n--- nats-server\n${tail(this.layout.natsLog)}`
  }

  /** Kills whatever is still running, closes the admin connection, removes the directory. */
  async dispose(): Promise<void> {
    await this.admin?.close().catch(() => undefined)
    for (const node of this.nodes.values()) await stop(node, 'SIGKILL')
    if (this.nats !== undefined) await stop(this.nats, 'SIGKILL')
    rmSync(resolve(this.layout.dir, '..'), { recursive: true, force: true })
  }
}

const tail = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-8).join('\n')
  } catch {
    return '(no log)'
  }
}

const stop = async (launched: Launched, signal: NodeJS.Signals): Promise<number | null> => {
  if (isAlive(launched.pid)) process.kill(launched.pid, signal)
  return launched.exited
}

/** Polls `check` until it gives a value; fails with `describe()` after `timeoutMs`. */
export const waitFor = async <T>(check: () => Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * The test file's devnet: created and started whole (`what` names the wait) before its
 * tests, handed to `ready`, and disposed after them, whatever happened.
 */
export const devnetForTests = (scenarioPath: string, what: string, ready: (devnet: ProcessDevnet) => void): void => {
  let devnet: ProcessDevnet | undefined
  beforeAll(async () => {
    devnet = await ProcessDevnet.create(scenarioPath)
    ready(devnet)
    await devnet.startAll(what)
  }, 120_000)
  afterAll(async () => {
    await devnet?.dispose()
  }, 60_000)
}
