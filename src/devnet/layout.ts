import { join } from 'node:path'
import { subjectToken } from '../runtime/process/subjects.ts'

/**
 * Where a devnet keeps its files, all under one directory (default ./devnet), so that
 * `strata devnet status` and `down` work from any terminal in the same place:
 *
 *   network.yaml            the network file
 *   creds/<node>.nk         each node's NATS nkey seed (0600); creds/admin.nk for the tools
 *   nats/nats.conf          the server config (127.0.0.1, the port, users and permissions)
 *   nats/jetstream/         JetStream's storage
 *   nodes/<node>/           each node's data directory (node.key, stores/)
 *   logs/<node>.log         each node's JSON log lines; logs/nats-server.log
 *   devnet.state.json       while it runs: pids and ports
 */
export interface DevnetLayout {
  readonly dir: string
  readonly networkFile: string
  readonly natsConfig: string
  readonly natsStore: string
  readonly natsLog: string
  readonly stateFile: string
  readonly logs: string
  /** Relative to the network file, as it records them. */
  credsOf(node: string): string
  readonly adminCreds: string
  nodeData(node: string): string
  nodeLog(node: string): string
}

export const devnetLayout = (dir: string): DevnetLayout => ({
  dir,
  networkFile: join(dir, 'network.yaml'),
  natsConfig: join(dir, 'nats', 'nats.conf'),
  natsStore: join(dir, 'nats', 'jetstream'),
  natsLog: join(dir, 'logs', 'nats-server.log'),
  stateFile: join(dir, 'devnet.state.json'),
  logs: join(dir, 'logs'),
  credsOf: (node) => join('creds', `${subjectToken(node)}.nk`),
  adminCreds: join('creds', 'admin.nk'),
  nodeData: (node) => join(dir, 'nodes', subjectToken(node)),
  nodeLog: (node) => join(dir, 'logs', `${subjectToken(node)}.log`),
})
