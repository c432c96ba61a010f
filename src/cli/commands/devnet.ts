import { fileURLToPath } from 'node:url'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Command } from 'commander'
import { Either } from 'effect'
import { catalog } from '../../catalog/index.ts'
import { initDevnet } from '../../devnet/init.ts'
import { devnetLayout, type DevnetLayout } from '../../devnet/layout.ts'
import { adminConnection, collectReport, DevnetError, runningState, startDevnet, stopDevnet } from '../../devnet/lifecycle.ts'
import { findNatsServer, INSTALL_HINT, NatsServerError } from '../../devnet/natsServer.ts'
import { resolveNetwork } from '../../devnet/networkPlan.ts'
import { isOurs, stopProcesses } from '../../devnet/processes.ts'
import { readState, type DevnetState } from '../../devnet/state.ts'
import { formatReport, type DevnetReport } from '../../devnet/statusReport.ts'
import { exportLiveTrace } from '../../runtime/live/liveTraceFile.ts'
import { readNetworkFile, type NetworkFile } from '../../runtime/process/networkFile.ts'
import { codeVersion } from '../codeVersion.ts'
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../exitCodes.ts'
import { fail } from '../fail.ts'
import { loadScenarioOrExit } from '../loadScenarioOrExit.ts'
import { recordLimitOrExit } from '../recordLimit.ts'

const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../scenarios/reference.yaml', import.meta.url))
const DEFAULT_DIR = 'devnet'
/** How long `up` waits for every node to answer "up" before saying which did not. */
const START_TIMEOUT_MS = 60_000
const REFRESH_MS = 1_000
const UP_MARKERS = ['devnet', 'up']

export const registerDevnet = (program: Command): void => {
  const devnet = program
    .command('devnet')
    .description('a local network of real processes: one nats-server and one `strata node` per node of a scenario')
    .addHelpText('after', '\nAll files live in one directory (default ./devnet): see `strata devnet init --help`.')
  devnet
    .command('init')
    .description('lay out a devnet for a scenario: network file, node keys and data dirs, NATS credentials and server config')
    .argument('[scenario]', 'scenario YAML whose roles become the nodes (default: scenarios/reference.yaml)')
    .option('--dir <dir>', 'where to put it', DEFAULT_DIR)
    .addHelpText(
      'after',
      `
Layout: network.yaml · nats/nats.conf · creds/<node>.nk (0600) · nodes/<node>/node.key · logs/
The scenario's role instances and its workloads' clients become nodes, one process each;
its fault schedule stays simulation-only (the network model is the real one here).`,
    )
    .action(async (scenario: string | undefined, flags: { dir: string }) => {
      await initAction(scenario, devnetLayout(flags.dir))
    })
  devnet
    .command('up')
    .description('start the devnet (initializing it first if DIR has none), show live status, stop everything on Ctrl-C')
    .argument('[scenario]', 'scenario for a devnet that does not exist yet (default: scenarios/reference.yaml)')
    .option('--dir <dir>', 'the devnet directory', DEFAULT_DIR)
    .option('--detach', 'start the processes in the background and return once every node is up')
    .option('--no-record', "don't record the nodes' turns (recorded by default, for `devnet record` and `strata replay`)")
    .option('--record-limit <size>', "the most disk each node's recording may take, e.g. 500MiB (default: strata node's, 1GiB)")
    .action((scenario: string | undefined, flags: { dir: string; detach?: boolean; record: boolean; recordLimit?: string }) =>
      upAction(scenario, devnetLayout(flags.dir), { detach: flags.detach === true, record: flags.record, ...(flags.recordLimit === undefined ? {} : { recordLimit: flags.recordLimit }) }),
    )
  devnet
    .command('status')
    .description("every node's role, pid and status (validators: height, and minHeight over them)")
    .option('--dir <dir>', 'the devnet directory', DEFAULT_DIR)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExit codes: 0 every node is up · 1 some node is not (or no devnet runs) · 2 bad input.')
    .action((flags: { dir: string; json?: boolean }) => statusAction(devnetLayout(flags.dir), flags.json === true))
  devnet
    .command('record')
    .description("export the nodes' recordings as one live trace, for `strata replay`")
    .requiredOption('--out <file>', 'where to write the trace')
    .option('--dir <dir>', 'the devnet directory', DEFAULT_DIR)
    .addHelpText(
      'after',
      `
Every node started by \`devnet up\` records its turns under nodes/<node>/recording/, one
segment per run of its process (docs/process-mode.md). This gathers them all; it works
while the devnet runs (the running nodes' segments are exported up to their last flush).`,
    )
    .action((flags: { dir: string; out: string }) => recordAction(devnetLayout(flags.dir), flags.out))
  devnet
    .command('down')
    .description('stop every process of the devnet (nodes first, cleanly; then nats-server)')
    .option('--dir <dir>', 'the devnet directory', DEFAULT_DIR)
    .action((flags: { dir: string }) => downAction(devnetLayout(flags.dir)))
}

const initAction = async (scenarioPath: string | undefined, layout: DevnetLayout): Promise<void> => {
  const scenario = loadScenarioOrExit({ path: scenarioPath ?? DEFAULT_SCENARIO })
  const result = await initDevnet(scenario, layout.dir, catalog)
  if (Either.isLeft(result)) return fail(result.left.message, EXIT_BAD_INPUT, result.left.hint)
  const { network, natsPort, skipped } = result.right
  const roles = [...new Set(network.nodes.map((n) => n.role))].map((r) => `${r} ×${network.nodes.filter((n) => n.role === r).length}`).join(', ')
  const lines = [
    `devnet "${network.network}" from ${scenario.path} in ${layout.dir}/`,
    `  network file  ${layout.networkFile}  (${network.nodes.length} nodes: ${roles})`,
    `  nats-server   nats://127.0.0.1:${natsPort}  (config ${layout.natsConfig}, JetStream in ${layout.natsStore})`,
    `  nodes         ${layout.dir}/nodes/<node>/  (node.key, stores)`,
    `  credentials   ${layout.dir}/creds/<node>.nk  (nkey seeds, 0600; admin.nk for status)`,
    ...(skipped.length === 0 ? [] : [`  not deployed  ${skipped.join(', ')} (simulation only)`]),
    `next: strata devnet up --dir ${layout.dir}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

const recordAction = (layout: DevnetLayout, out: string): void => {
  const net = loadNetwork(layout)
  const exported = exportLiveTrace(net.network, net.nodes.map((n) => ({ id: n.id, dataDir: layout.nodeData(n.id) })), out, codeVersion())
  if (Either.isLeft(exported)) return fail(exported.left.message, EXIT_CHECK_FAILED, exported.left.hint)
  const { nodes, segments, items, cut, bytes } = exported.right
  const lines = [
    `wrote ${out}: ${nodes} nodes, ${segments} recorded runs, ${items.toLocaleString('en-US')} items, ${(bytes / 1e6).toFixed(1)} MB`,
    ...(cut.length === 0 ? [] : [`  not stopped cleanly (still running, or killed): ${cut.join(', ')}`]),
    `replay it: strata replay ${out}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

const loadNetwork = (layout: DevnetLayout): NetworkFile => {
  const net = readNetworkFile(layout.networkFile)
  if (Either.isLeft(net)) return fail(net.left.message, EXIT_BAD_INPUT, `make a devnet with \`strata devnet init --dir ${layout.dir}\``)
  const plan = resolveNetwork(net.right, catalog)
  if (Either.isLeft(plan)) return fail(plan.left.message, EXIT_BAD_INPUT, plan.left.hint)
  return net.right
}

const upAction = async (
  scenarioPath: string | undefined,
  layout: DevnetLayout,
  options: { readonly detach: boolean; readonly record: boolean; readonly recordLimit?: string },
): Promise<void> => {
  if (options.recordLimit !== undefined) recordLimitOrExit(options.recordLimit)
  if (findNatsServer() === undefined) return fail('nats-server is not installed', EXIT_BAD_INPUT, INSTALL_HINT)
  if (readNetworkFile(layout.networkFile).pipe(Either.isLeft)) await initAction(scenarioPath, layout)
  else if (scenarioPath !== undefined) process.stderr.write(`strata: ${layout.dir} already holds a devnet; starting it (the scenario argument is only used to create one)\n`)
  const net = loadNetwork(layout)
  let started: Awaited<ReturnType<typeof startDevnet>>
  try {
    started = await startDevnet(layout, net, { detached: options.detach, record: options.record, ...(options.recordLimit === undefined ? {} : { recordLimit: options.recordLimit }) })
  } catch (error) {
    if (error instanceof DevnetError || error instanceof NatsServerError) return fail(error.message, EXIT_CHECK_FAILED, error.hint)
    throw error
  }
  const { state } = started
  process.stdout.write(`${whereText(state)}\n`)
  const nc = await adminConnection(net).catch((error: Error) => fail(`cannot reach the devnet's NATS: ${error.message}`, EXIT_CHECK_FAILED, `see ${state.nats.log}`))
  const ready = await waitUntilUp(state, nc)
  if (options.detach) {
    process.stdout.write(`${formatReport(ready)}\n`)
    await nc.close()
    if (!ready.allUp) return fail(`not every node came up within ${START_TIMEOUT_MS / 1000}s`, EXIT_CHECK_FAILED, `see the logs in ${layout.logs}; stop with \`strata devnet down --dir ${layout.dir}\``)
    process.stdout.write(`running in the background: \`strata devnet status --dir ${layout.dir}\`, \`strata devnet down --dir ${layout.dir}\`\n`)
    process.exit(EXIT_OK)
  }
  await watch(layout, state, nc, started.exits)
}

const whereText = (state: DevnetState): string => {
  const width = Math.max(11, ...state.nodes.map((n) => n.id.length))
  return [
    `${'nats-server'.padEnd(width)}  pid ${state.nats.pid}  ${state.nats.url}  log ${state.nats.log}`,
    ...state.nodes.map((n) => `${n.id.padEnd(width)}  pid ${n.pid}  ${n.role}  data ${n.data}  log ${n.log}${n.metricsPort === undefined ? '' : `  metrics http://127.0.0.1:${n.metricsPort}/metrics`}`),
  ].join('\n')
}

/** Polls until every node says "up" (or the start timeout), showing how many are. */
const waitUntilUp = async (state: DevnetState, nc: NatsConnection): Promise<DevnetReport> => {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const report = await collectReport(state, nc)
    const up = report.nodes.filter((n) => n.status === 'up').length
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Kwaiting for nodes: ${up}/${report.nodes.length} up`)
    const exited = report.nodes.filter((n) => n.process === 'exited')
    if (report.allUp || exited.length > 0 || Date.now() > deadline) {
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
      return report
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** The foreground view: live status until Ctrl-C (then stop everything) or until everything is gone. */
const watch = async (layout: DevnetLayout, state: DevnetState, nc: NatsConnection, exits: readonly Promise<unknown>[]): Promise<void> => {
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    process.stdout.write('\nstopping the devnet…\n')
    const killed = await stopDevnet(layout, state)
    await nc.close().catch(() => undefined)
    process.stdout.write(killed.length === 0 ? 'stopped.\n' : `stopped (${killed.join(', ')} needed SIGKILL).\n`)
    process.exit(EXIT_OK)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  let allGone = false
  void Promise.all(exits).then(() => (allGone = true))
  process.stdout.write(process.stdout.isTTY ? 'live status (Ctrl-C stops everything):\n' : '')
  let last = ''
  let drawn = 0
  while (!stopping) {
    if (allGone) {
      await nc.close().catch(() => undefined)
      process.stdout.write('every process of the devnet has exited.\n')
      process.exit(EXIT_OK)
    }
    const text = formatReport(await collectReport(state, nc))
    // On a terminal the table is redrawn in place: back up over the lines drawn last time, clear, draw.
    if (process.stdout.isTTY) {
      process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}F` : ''}\x1b[J${text}\n`)
      drawn = text.split('\n').length
    } else if (text.split('\n')[0] !== last) process.stdout.write(`${text.split('\n')[0]}\n`)
    last = text.split('\n')[0]!
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS))
  }
}

const stateOrExit = (layout: DevnetLayout): DevnetState | undefined => {
  const state = readState(layout.stateFile)
  if (Either.isLeft(state)) return fail(`${layout.stateFile}: ${state.left}`, EXIT_BAD_INPUT, 'stop the processes it named by hand, then remove the file')
  return state.right
}

const statusAction = async (layout: DevnetLayout, json: boolean): Promise<void> => {
  const state = stateOrExit(layout)
  if (state === undefined) return fail(`no devnet runs in ${layout.dir} (no ${layout.stateFile})`, EXIT_CHECK_FAILED, `start one with \`strata devnet up --dir ${layout.dir}\``)
  const net = loadNetwork(layout)
  const nc = await adminConnection(net).catch(() => undefined)
  const report = await collectReport(state, nc)
  await nc?.close()
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`)
  process.exitCode = report.allUp ? EXIT_OK : EXIT_CHECK_FAILED
}

const downAction = async (layout: DevnetLayout): Promise<void> => {
  const state = stateOrExit(layout)
  if (state === undefined || runningState(layout) === undefined) {
    process.stdout.write(`no devnet runs in ${layout.dir}\n`)
    return
  }
  // A foreground `devnet up` orchestrates its own shutdown; asking it keeps one place that stops things.
  if (state.upPid !== undefined && isOurs(state.upPid, UP_MARKERS)) {
    process.stdout.write(`asking devnet up (pid ${state.upPid}) to stop everything…\n`)
    await stopProcesses([{ name: 'devnet up', pid: state.upPid, markers: UP_MARKERS }], 40_000)
  }
  if (runningState(layout) !== undefined) {
    process.stdout.write(`stopping ${state.nodes.length} nodes and nats-server…\n`)
    const killed = await stopDevnet(layout, state)
    if (killed.length > 0) process.stdout.write(`${killed.join(', ')} needed SIGKILL\n`)
  }
  process.stdout.write('stopped.\n')
}
