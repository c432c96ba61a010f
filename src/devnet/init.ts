import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { nkeys } from '@nats-io/transport-node'
import { Data, Either, Schema } from 'effect'
import type { Catalog } from '../catalog/index.ts'
import { workloadNodes } from '../catalog/workloadNodes.ts'
import { publicKeyHex } from '../runtime/crypto/ed25519.ts'
import { formatNetworkFile, NETWORK_FILE_FORMAT, type NetworkDocument } from '../runtime/process/networkFile.ts'
import { ensureNodeKey } from '../runtime/process/nodeKey.ts'
import { NETWORK_NAME } from '../runtime/process/subjects.ts'
import type { Scenario } from '../scenario/types.ts'
import { freePort } from './freePort.ts'
import { devnetLayout, type DevnetLayout } from './layout.ts'
import { natsConfigText, type NatsUser } from './natsConfig.ts'

export class DevnetInitError extends Data.TaggedError('DevnetInitError')<{ readonly dir: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `${this.dir}: ${this.detail}`
  }
}

/**
 * NATS refuses payloads over 64 MiB and advises against more than 8 MiB; larger envelopes
 * belong on the bulk channel, so a scenario's larger message limit is capped here.
 */
const MAX_NATS_MESSAGE = 8 * 1024 * 1024
/** Room for NATS headers on top of the largest envelope. */
const PAYLOAD_MARGIN = 64 * 1024
const MAX_BULK_BYTES = 256 * 1024 * 1024

export interface DevnetInitResult {
  readonly layout: DevnetLayout
  readonly network: NetworkDocument
  readonly natsPort: number
  /** Scenario parts a devnet does not run (yet), to tell the user. */
  readonly skipped: readonly string[]
}

/** A network name from a scenario name: lowercase, "-" for anything else. */
export const networkNameOf = (scenarioName: string): string => {
  const name = scenarioName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63)
  return NETWORK_NAME.test(name) ? name : 'devnet'
}

const writeSecret = (path: string, text: string): void => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
}

/**
 * Lays out a devnet for a scenario's roles: one node per scenario node, each with its own
 * key and data directory and NATS nkey, a network file naming them, and a nats-server
 * config on a free loopback port that admits exactly those nkeys.
 */
export const initDevnet = async (scenario: Scenario, dir: string, catalog: Catalog): Promise<Either.Either<DevnetInitResult, DevnetInitError>> => {
  const layout = devnetLayout(dir)
  if (existsSync(layout.networkFile)) {
    return Either.left(new DevnetInitError({ dir, detail: 'already holds a devnet (network.yaml exists)', hint: `start it with \`strata devnet up --dir ${dir}\`, or remove the directory to make a new one` }))
  }
  const network = networkNameOf(scenario.name)
  const nodes: NetworkDocument['nodes'][number][] = []
  const users: NatsUser[] = []
  /** Gives a node its key, data directory and nkey, and its entry in the network file. */
  const addNode = (entry: Omit<NetworkDocument['nodes'][number], 'publicKey' | 'credentials'>, actors: readonly { readonly id: string; readonly def: { readonly role: string } }[]): DevnetInitError | undefined => {
    const key = ensureNodeKey(layout.nodeData(entry.id))
    if (Either.isLeft(key)) return new DevnetInitError({ dir, detail: key.left.message, hint: key.left.hint })
    const user = nkeys.createUser()
    writeSecret(join(dir, layout.credsOf(entry.id)), `${new TextDecoder().decode(user.getSeed())}\n`)
    users.push({ kind: 'node', nkey: user.getPublicKey(), node: entry.id, actors: actors.map((a) => a.id), roles: [...new Set(actors.map((a) => a.def.role))] })
    nodes.push({ ...entry, publicKey: publicKeyHex(key.right.signer.publicKey), credentials: layout.credsOf(entry.id) })
    return undefined
  }
  try {
    for (const node of scenario.nodes) {
      const role = catalog.roles[node.role]
      if (role === undefined) return Either.left(new DevnetInitError({ dir, detail: `the scenario's role "${node.role}" is unknown`, hint: 'see `strata describe`' }))
      const failed = addNode({ id: node.id, role: node.role, params: Schema.encodeSync(role.params)(node.params) }, role.actors(node.id, node.params))
      if (failed !== undefined) return Either.left(failed)
    }
    // Workloads become nodes too (load clients), rebuilt by each process from their type and index.
    for (const placed of workloadNodes(scenario.workloads, catalog.workloads)) {
      const params = Schema.encodeSync(catalog.workloads[placed.type]!.params)(placed.params)
      const failed = addNode({ id: placed.node.id, role: placed.node.role, params, workload: { type: placed.type, index: placed.index } }, placed.node.actors)
      if (failed !== undefined) return Either.left(failed)
    }
    const admin = nkeys.createUser()
    writeSecret(join(dir, layout.adminCreds), `${new TextDecoder().decode(admin.getSeed())}\n`)
    users.push({ kind: 'admin', nkey: admin.getPublicKey() })
    const natsPort = await freePort()
    const maxMessageBytes = Math.min(scenario.network.maxMessageBytes, MAX_NATS_MESSAGE)
    const doc: NetworkDocument = {
      format: NETWORK_FILE_FORMAT,
      network,
      chainId: `${network}-1`,
      genesisTime: new Date().toISOString(),
      limits: { maxMessageBytes, maxBulkBytes: MAX_BULK_BYTES, mailbox: scenario.network.mailbox },
      nats: { url: `nats://127.0.0.1:${natsPort}`, adminCredentials: layout.adminCreds },
      nodes,
    }
    mkdirSync(layout.natsStore, { recursive: true })
    mkdirSync(layout.logs, { recursive: true })
    writeFileSync(
      layout.natsConfig,
      natsConfigText({ network, port: natsPort, maxPayload: maxMessageBytes + PAYLOAD_MARGIN, storeDir: join('nats', 'jetstream'), users }),
      { mode: 0o600 },
    )
    // Written last: its presence is what marks the directory as a complete devnet.
    writeFileSync(layout.networkFile, formatNetworkFile(doc))
    const skipped = scenario.faults.length > 0 ? [`${scenario.faults.length} fault steps`] : []
    return Either.right({ layout, network: doc, natsPort, skipped })
  } catch (error) {
    return Either.left(new DevnetInitError({ dir, detail: (error as Error).message, hint: 'choose a --dir you can write, or remove a half-made one' }))
  }
}
