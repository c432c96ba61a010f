import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { Effect, Either, Exit } from 'effect'
import { catalog } from '../../catalog/index.ts'
import { resolveNetwork } from '../../devnet/networkPlan.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import { isLogLevel, JsonLog } from '../../runtime/process/jsonLog.ts'
import { readCredentials } from '../../runtime/process/natsConnection.ts'
import { readNetworkFile } from '../../runtime/process/networkFile.ts'
import { readNodeKey } from '../../runtime/process/nodeKey.ts'
import { runNode } from '../../runtime/process/processNode.ts'
import type { LogLevel } from '../../runtime/services.ts'
import { codeVersion } from '../codeVersion.ts'
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../exitCodes.ts'
import { fail } from '../fail.ts'
import { recordLimitOrExit } from '../recordLimit.ts'

interface NodeFlags {
  role: string
  id: string
  network: string
  nats?: string
  data: string
  creds?: string
  metrics?: string
  bulkListen: string
  logLevel: string
  record?: boolean
  recordLimit: string
}

export const registerNode = (program: Command): void => {
  program
    .command('node')
    .description("run one node of a network as this process: its role's actors over NATS, until SIGTERM")
    .requiredOption('--role <role>', 'the role the network file gives this node')
    .requiredOption('--id <id>', 'the node id in the network file')
    .requiredOption('--network <file>', 'the network file (see docs/network-file.md)')
    .requiredOption('--data <dir>', 'the data directory: node.key and the stores')
    .option('--nats <url>', "NATS server URL (default: the network file's nats.url)")
    .option('--creds <file>', "NATS credentials: an nkey seed or a .creds file (default: the node's credentials in the network file)")
    .option('--metrics <port>', 'serve Prometheus metrics on http://127.0.0.1:PORT/metrics')
    .option('--bulk-listen <multiaddr>', 'libp2p listen address of the bulk channel', '/ip4/127.0.0.1/tcp/0')
    .option('--log-level <level>', 'debug, info, warn or error (JSON lines on stderr)', 'info')
    .option('--record', 'record every turn of the node under DIR/recording/, for `strata devnet record` and `strata replay`')
    .option('--record-limit <size>', 'the most disk the recording may take (all its segments, e.g. 500MiB); at the limit the node stops recording and logs a warning', '1GiB')
    .addHelpText(
      'after',
      `
Status: a NATS request to strata.<network>.status.<id> answers JSON (role, pid, uptime, figures).
SIGTERM or SIGINT stops the node cleanly: stores synced and closed, NATS drained.
Exit codes: 0 stopped on request · 1 failed (could not connect, supervisor gave up) · 2 bad input.
Example:
  strata node --role member --id member-0 --network devnet/network.yaml --data devnet/nodes/member-0`,
    )
    .action((flags: NodeFlags) => nodeAction(flags))
}

const parsePort = (text: string): number => {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`--metrics must be a port number (1–65535), got "${text}"`, EXIT_BAD_INPUT)
  return port
}

const nodeAction = async (flags: NodeFlags): Promise<void> => {
  if (!isLogLevel(flags.logLevel)) return fail(`--log-level must be debug, info, warn or error, got "${flags.logLevel}"`, EXIT_BAD_INPUT)
  const metricsPort = flags.metrics === undefined ? undefined : parsePort(flags.metrics)
  const recordLimit = recordLimitOrExit(flags.recordLimit)
  const network = readNetworkFile(flags.network)
  if (Either.isLeft(network)) return fail(network.left.message, EXIT_BAD_INPUT, 'pass the file `strata devnet init` wrote, or see docs/network-file.md')
  const net = network.right
  const entry = net.node(flags.id)
  if (entry === undefined) return fail(`${flags.network} has no node "${flags.id}"`, EXIT_BAD_INPUT, `its nodes: ${net.nodes.map((n) => n.id).join(', ')}`)
  if (entry.role !== flags.role) return fail(`${flags.network} gives ${flags.id} the role "${entry.role}", not "${flags.role}"`, EXIT_BAD_INPUT, `run it with --role ${entry.role}`)
  const resolved = resolveNetwork(net, catalog)
  if (Either.isLeft(resolved)) return fail(resolved.left.message, EXIT_BAD_INPUT, resolved.left.hint)
  const key = readNodeKey(flags.data)
  if (Either.isLeft(key)) return fail(key.left.message, EXIT_BAD_INPUT, key.left.hint)
  if (publicKeyHex(key.right.signer.publicKey) !== entry.publicKey) {
    return fail(`the key in ${flags.data} is not ${flags.id}'s: the network file names ${entry.publicKey}`, EXIT_BAD_INPUT, 'pass the data directory of this node, or put this key\'s public key (`strata keys --data DIR`) in the network file')
  }
  const credsPath = flags.creds ?? (entry.credentials === undefined ? undefined : net.resolvePath(entry.credentials))
  const authenticator = credsPath === undefined ? undefined : readCredentials(credsPath)
  if (authenticator !== undefined && Either.isLeft(authenticator)) return fail(authenticator.left.message, EXIT_BAD_INPUT, 'pass --creds with the file `strata devnet init` wrote for this node')
  const log = new JsonLog(flags.id, flags.logLevel as LogLevel)
  const stop = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal while shutting down means "now": the stores lose what a crash would.
    if (stop.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
    log.write('info', `received ${signal}`)
    stop.abort()
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  const exit = await Effect.runPromiseExit(
    runNode({
      network: net.network,
      plan: resolved.right.plan,
      self: resolved.right.plan.node(flags.id)!,
      supervisor: resolved.right.supervisorOf(flags.id),
      limits: net.limits,
      key: key.right,
      nats: { url: flags.nats ?? net.nats.url, ...(authenticator === undefined ? {} : { authenticator: authenticator.right }) },
      dataDir: flags.data,
      ...(metricsPort === undefined ? {} : { metricsPort }),
      bulkListen: flags.bulkListen,
      log,
      stop: stop.signal,
      ...(flags.record === true ? { record: { networkFile: { path: flags.network, text: readFileSync(flags.network, 'utf8') }, codeVersion: codeVersion(), limitBytes: recordLimit } } : {}),
    }),
  )
  if (Exit.isSuccess(exit)) {
    log.write('info', exit.value === 'stopped' ? 'stopped' : 'stopped after a failure')
    process.exit(exit.value === 'stopped' ? EXIT_OK : EXIT_CHECK_FAILED)
  }
  const error = Exit.isFailure(exit) && exit.cause._tag === 'Fail' ? exit.cause.error : undefined
  if (error === undefined) {
    log.write('error', 'node crashed', { cause: String(exit.cause) })
    return fail(`node ${flags.id} crashed: ${String(exit.cause)}`, EXIT_CHECK_FAILED, 'see the log lines above; this is a bug, please report it')
  }
  log.write('error', error.message)
  return fail(error.message, EXIT_CHECK_FAILED, 'hint' in error ? error.hint : hintFor(error._tag))
}

const hintFor = (tag: string): string => {
  switch (tag) {
    case 'StoreOpenError':
      return 'the store is damaged: restore the data directory from a backup, or remove its stores/ to start over'
    case 'BulkStartError':
      return 'choose another --bulk-listen address'
    case 'MetricsServerError':
      return 'choose another --metrics port'
    default:
      return 'see the log lines above'
  }
}
