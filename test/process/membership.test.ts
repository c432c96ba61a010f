import { spawnSync } from 'node:child_process'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Either } from 'effect'
import { describe, expect, it } from 'vitest'
import { readCredentials } from '../../src/runtime/process/natsConnection.ts'
import { storeDir } from '../../src/runtime/process/dataDir.ts'
import { encodeEnvelope } from '../../src/runtime/codec/envelopeCodec.ts'
import { signingKeyFromSeed } from '../../src/runtime/crypto/ed25519.ts'
import { signEnvelope } from '../../src/runtime/crypto/envelopeSignature.ts'
import { subjectsOf } from '../../src/runtime/process/subjects.ts'
import type { NodeStatus } from '../../src/runtime/process/nodeStatus.ts'
import { LmdbStore } from '../../src/runtime/store/lmdbStore.ts'
import { devnetForTests, waitFor, type ProcessDevnet } from './support/processDevnet.ts'

/**
 * Three `member` processes over a real nats-server, through the life of a network:
 * forming membership, bad input, credentials, clean and unclean restarts, and a server
 * restart. One devnet for the whole file (each process takes seconds to start); the
 * steps run in order and each leaves all three nodes up for the next.
 */
const SCENARIO = 'test/process/fixtures/three-members.yaml'
const ALL = ['member-0', 'member-1', 'member-2']

let devnet: ProcessDevnet
let subjects: ReturnType<typeof subjectsOf>

/**
 * A node's membership view starts with everyone alive, so that alone proves nothing at
 * start: it must also have heard the others (heartbeats and membership messages).
 */
const allAlive = (s: NodeStatus) =>
  s.figures.peersAlive === 3 && s.figures.peersSuspect === 0 && s.figures.peersDead === 0 && s.liveNodes.length === 2 && (s.counters['envelopes.received'] ?? 0) >= 4

/** The actor epoch the runtime keeps in a stopped node's store: it grows by one at every start. */
const storedEpoch = async (id: string): Promise<number> => {
  const store = LmdbStore.open(storeDir(devnet.layout.nodeData(id), id))
  const bytes = store.get('__runtime/epoch')
  await store.close()
  return bytes === undefined ? 0 : new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
}

const connectAs = async (credentialsFile: string | undefined): Promise<NatsConnection> => {
  if (credentialsFile === undefined) return connect({ servers: devnet.net.nats.url, reconnect: false })
  const auth = readCredentials(devnet.net.resolvePath(credentialsFile))
  if (Either.isLeft(auth)) throw auth.left
  return connect({ servers: devnet.net.nats.url, reconnect: false, authenticator: auth.right })
}

/** Collects the async errors (permission violations) the server reports on a connection. */
const watchErrors = (nc: NatsConnection): Error[] => {
  const errors: Error[] = []
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') errors.push(s.error)
  })()
  return errors
}

// Every step starts from a whole network (so any one of them can also run alone).
devnetForTests(SCENARIO, 'all three nodes up', (started) => {
  devnet = started
  subjects = subjectsOf(started.net.network)
})

describe('three member processes over NATS', () => {
  it('form membership: each sees the others alive', async () => {
    const statuses = await devnet.waitForAll(ALL, 'all three to see each other alive', allAlive)
    for (const [id, s] of statuses) {
      expect(s.role).toBe('member')
      expect(s.state).toBe('up')
      expect(s.liveNodes).toEqual(ALL.filter((other) => other !== id))
    }
  })

  it('counts and drops malformed bytes, forged signatures and misrouted envelopes, and keeps running', async () => {
    const nc = await connectAs(devnet.net.node('member-1')!.credentials)
    try {
      nc.publish(subjects.actor('member-0'), new Uint8Array([0xff, 0x00, 0x13, 0x37]))
      nc.publish(subjects.actor('member-0'), new TextEncoder().encode('{"json": "is not cbor"}'))
      // Well-formed, but signed by a key that is not member-1's.
      const envelope = { v: 1, id: 'member-1#99.1', from: 'member-1', to: 'member-0', kind: 'echo.request', at: 1, body: { n: 1 } }
      const forged = signEnvelope(envelope, signingKeyFromSeed(new Uint8Array(32).fill(7)))
      nc.publish(subjects.actor('member-0'), encodeEnvelope(forged))
      await nc.flush()
    } finally {
      await nc.close()
    }
    const [s] = (await devnet.waitForAll(['member-0'], 'member-0 to count the bad input', (st) => (st.counters['decode.errors'] ?? 0) >= 2 && (st.counters['signature.errors'] ?? 0) >= 1)).values()
    expect(s!.state).toBe('up')
    await devnet.waitForAll(ALL, 'membership to stay whole', allAlive)
  })

  it('refuses clients without credentials, and confines each credential to its subjects', async () => {
    await expect(connectAs(undefined)).rejects.toThrow(/authorization/i)

    // The operator's credential may ask for status but not inject envelopes.
    const admin = await connectAs(devnet.net.nats.adminCredentials)
    const adminErrors = watchErrors(admin)
    admin.publish(subjects.actor('member-0'), new Uint8Array([1, 2, 3]))
    await admin.flush()
    await waitFor(async () => (adminErrors.length > 0 ? true : undefined), 5_000, () => 'a permissions violation for the admin user')
    expect(adminErrors[0]!.message).toMatch(/permissions violation for publish/i)
    await admin.close()

    // A node may not forge another node's heartbeat nor read another node's inbox.
    const member1 = await connectAs(devnet.net.node('member-1')!.credentials)
    const memberErrors = watchErrors(member1)
    member1.publish(subjects.presence('member-0'), new Uint8Array([1]))
    member1.subscribe(subjects.actor('member-0'))
    await member1.flush()
    await waitFor(async () => (memberErrors.length >= 2 ? true : undefined), 5_000, () => `two permissions violations, got ${memberErrors.map((e) => e.message).join('; ')}`)
    expect(memberErrors.map((e) => e.message).join('\n')).toMatch(/publish.*presence\.member-0[\s\S]*subscription.*actor\.member-0|subscription.*actor\.member-0[\s\S]*publish.*presence\.member-0/i)
    await member1.close()
    const s = await devnet.status('member-0')
    expect(s?.counters['decode.errors']).toBe(2)
  })

  it('keeps its store across a SIGTERM and a restart', async () => {
    expect(await devnet.stopNode('member-2', 'SIGTERM')).toBe(0)
    const before = await storedEpoch('member-2')
    expect(before).toBeGreaterThanOrEqual(1)
    // While it is down: started with member-1's credentials, it stops at once instead of running deaf.
    const impostor = spawnSync(
      process.execPath,
      ['bin/strata.js', 'node', '--role', 'member', '--id', 'member-2', '--network', devnet.layout.networkFile, '--data', devnet.layout.nodeData('member-2'), '--creds', devnet.net.resolvePath(devnet.net.node('member-1')!.credentials!)],
      { encoding: 'utf8', timeout: 60_000 },
    )
    expect(impostor.status).toBe(1)
    expect(impostor.stderr).toMatch(/refuses this node: it may not subscribe to strata\.[a-z-]+\.actor\.member-2/)
    devnet.startNode('member-2')
    await devnet.waitForAll(ALL, 'member-2 back in everyone\'s view', allAlive)
    expect(await devnet.stopNode('member-2', 'SIGTERM')).toBe(0)
    expect(await storedEpoch('member-2')).toBe(before + 1)
    devnet.startNode('member-2')
    await devnet.waitForAll(ALL, 'member-2 back again', allAlive)
  })

  it('notices a SIGKILLed node, and the node recovers from its data dir', async () => {
    const pid = devnet.pidOf('member-2')
    expect(await devnet.stopNode('member-2', 'SIGKILL')).toBe(null)
    await devnet.waitForAll(['member-0', 'member-1'], 'the others to suspect member-2', (s) => s.figures.peersAlive === 2 && s.figures.peersSuspect! + s.figures.peersDead! === 1 && !s.liveNodes.includes('member-2'))
    // Its pid file names a dead process, its stores were never closed: neither may stop a restart.
    const before = await storedEpoch('member-2')
    devnet.startNode('member-2')
    expect(devnet.pidOf('member-2')).not.toBe(pid)
    await devnet.waitForAll(ALL, 'member-2 alive again after the SIGKILL', allAlive)
    expect(await devnet.stopNode('member-2', 'SIGTERM')).toBe(0)
    expect(await storedEpoch('member-2')).toBe(before + 1)
    devnet.startNode('member-2')
    await devnet.waitForAll(ALL, 'member-2 back after the check', allAlive)
  })

  it('reconnects after the nats-server restarts, and membership recovers', async () => {
    await devnet.waitForAll(ALL, 'a whole membership before the restart', allAlive)
    await devnet.stopNats()
    // Down long enough for every node to suspect (and declare dead) the others: 3 s is ten protocol periods.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    await devnet.startNats()
    const statuses = await devnet.waitForAll(ALL, 'every node reconnected, all alive', (s) => s.nats.reconnects >= 1 && allAlive(s), 60_000)
    for (const s of statuses.values()) expect(s.state).toBe('up')
  }, 120_000)
})
