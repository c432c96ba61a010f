import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from '@nats-io/transport-node'
import { decode, encode, rfc8949EncodeOptions } from 'cborg'
import { Either } from 'effect'
import { describe, expect, it } from 'vitest'
import { COMMITTED, type CommittedReport } from '../../src/checks/consensusReports.ts'
import { encodeEnvelope } from '../../src/runtime/codec/envelopeCodec.ts'
import { signingKeyFromSeed } from '../../src/runtime/crypto/ed25519.ts'
import { signEnvelope } from '../../src/runtime/crypto/envelopeSignature.ts'
import { exportLiveTrace, readLiveTrace, type LiveTrace } from '../../src/runtime/live/liveTraceFile.ts'
import { decodeSequence } from '../../src/runtime/live/recording.ts'
import { readCredentials } from '../../src/runtime/process/natsConnection.ts'
import type { NodeStatus } from '../../src/runtime/process/nodeStatus.ts'
import { subjectsOf } from '../../src/runtime/process/subjects.ts'
import { devnetForTests, waitFor, type ProcessDevnet } from './support/processDevnet.ts'

/**
 * Four validator processes and a tx-load client over a real nats-server, recording: they commit and agree, one
 * is SIGKILLed mid-height and catches up without double-signing, the server restarts and
 * the chain resumes, a forged vote changes nothing, and the recorded run replays in the
 * simulator with the same commits. One devnet for the file; the steps run in order.
 */
const SCENARIO = 'test/process/fixtures/four-validators.yaml'
const ALL = ['validator-0', 'validator-1', 'validator-2', 'validator-3']

let devnet: ProcessDevnet

const heightOf = (s: NodeStatus): number => s.figures.height ?? 0
const minHeight = async (): Promise<number> => Math.min(...[...(await devnet.waitForAll(ALL, 'every validator to answer', () => true)).values()].map(heightOf))
const allAtLeast = (height: number, what: string) => devnet.waitForAll(ALL, what, (s) => s.state === 'up' && heightOf(s) >= height, 60_000)

/** The recordings so far, as one live trace. */
const exportTrace = (out: string): LiveTrace => {
  const exported = exportLiveTrace(devnet.net.network, devnet.ids.map((id) => ({ id, dataDir: devnet.layout.nodeData(id) })), out, 'test')
  if (Either.isLeft(exported)) throw exported.left
  const trace = readLiveTrace(out)
  if (Either.isLeft(trace)) throw trace.left
  return trace.right
}

/** What each node reported committing live, read straight from its recording. */
const liveCommits = (trace: LiveTrace): Map<string, Map<number, string>> => {
  const commits = new Map<string, Map<number, string>>(ALL.map((id) => [id, new Map()]))
  for (const segment of trace.segments) {
    for (const item of segment.items) {
      if (item[0] !== 'report' || item[2] !== COMMITTED) continue
      const report = decode(item[3]) as CommittedReport
      commits.get(item[1])!.set(report.height, report.blockId)
    }
  }
  return commits
}

interface SeenVote {
  readonly from: string
  readonly type: string
  readonly height: number
  readonly round: number
  readonly blockId: string | null
}

/** Every vote any node received, from the deliveries in the recordings: what the network saw signed. */
const deliveredVotes = (trace: LiveTrace): SeenVote[] =>
  trace.segments.flatMap((segment) =>
    segment.items.flatMap((item) => {
      if (item[0] !== 'deliver') return []
      const env = decode(item[3]) as { kind: string; from: string; body: SeenVote }
      return env.kind === 'tendermint.vote' ? [{ from: env.from, type: env.body.type, height: env.body.height, round: env.body.round, blockId: env.body.blockId }] : []
    }),
  )

devnetForTests(SCENARIO, 'all four validators and the client up', (started) => {
  devnet = started
})

describe('four validator processes over NATS', () => {
  it('commit heights and agree on every block hash', async () => {
    const statuses = await allAtLeast(5, 'every validator at height 5')
    // The scenario's tx-load workload runs as its own process, and its transactions land in blocks.
    await devnet.waitForAll(ALL, 'transactions committed', (s) => (s.figures.txs ?? 0) > 0)
    expect([...statuses.values()].every((s) => s.role === 'validator')).toBe(true)
    // Recordings reach the disk every 100 ms: wait until each holds four commits (a validator
    // that started late may have just fetched them all by block sync in one turn).
    const commits = await waitFor(
      async () => {
        const recorded = liveCommits(exportTrace(join(devnet.layout.dir, 'agree.cbors')))
        return [...recorded.values()].every((c) => c.size >= 4) ? recorded : undefined
      },
      10_000,
      () => 'every validator to have recorded four commits',
    )
    // Every height any validator recorded has one block hash.
    const heights = Math.max(...[...commits.values()].map((c) => c.size))
    for (let height = 1; height <= heights; height++) {
      const hashes = ALL.map((id) => commits.get(id)!.get(height)).filter((h) => h !== undefined)
      expect(new Set(hashes).size, `height ${height}: ${hashes.join(' ')}`).toBe(1)
    }
  }, 90_000)

  it('a validator SIGKILLed mid-height restarts, catches up and never double-signs', async () => {
    const before = await minHeight()
    expect(await devnet.stopNode('validator-2', 'SIGKILL')).toBe(null)
    // Powers 10 + 20 + 40 of 100 are still above two thirds: the others go on without it.
    await devnet.waitForAll(['validator-0', 'validator-1', 'validator-3'], 'the others to go on', (s) => heightOf(s) >= before + 3, 60_000)
    devnet.startNode('validator-2')
    const others = Math.max(...[...(await devnet.waitForAll(ALL, 'answers', () => true)).values()].map(heightOf))
    await allAtLeast(others + 2, 'validator-2 to catch up and everyone to go on')
    const trace = exportTrace(join(devnet.layout.dir, 'kill.cbors'))
    expect(trace.segments.filter((s) => s.header.node === 'validator-2').map((s) => s.complete)).toEqual([false, false])
    const seen = new Map<string, string | null>()
    for (const vote of deliveredVotes(trace)) {
      const key = `${vote.from} ${vote.type} ${vote.height}/${vote.round}`
      if (seen.has(key)) expect(vote.blockId, `${key}: two different votes`).toBe(seen.get(key))
      else seen.set(key, vote.blockId)
    }
    expect([...seen.keys()].filter((k) => k.startsWith('validator-2 ')).length).toBeGreaterThan(4)
  }, 120_000)

  it('resume after the nats-server restarts', async () => {
    const before = await minHeight()
    await devnet.stopNats()
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    await devnet.startNats()
    const statuses = await allAtLeast(before + 3, 'heights to advance after the restart')
    for (const s of statuses.values()) expect(s.nats.reconnects).toBeGreaterThanOrEqual(1)
  }, 120_000)

  it('a client without credentials cannot connect, and a forged vote is dropped', async () => {
    await expect(connect({ servers: devnet.net.nats.url, reconnect: false })).rejects.toThrow(/authorization/i)
    // validator-1's credentials, but a vote claiming to be validator-0's, signed with a key that is not.
    const auth = readCredentials(devnet.net.resolvePath(devnet.net.node('validator-1')!.credentials!))
    if (Either.isLeft(auth)) throw auth.left
    const nc = await connect({ servers: devnet.net.nats.url, reconnect: false, authenticator: auth.right })
    const height = (await minHeight()) + 1
    const vote = { type: 'precommit', height, round: 0, blockId: 'ff'.repeat(32), timestamp: 1, validatorAddress: '00'.repeat(20), validatorIndex: 0, sig: new Uint8Array(64) }
    const forged = signEnvelope({ v: 1, id: 'validator-0#99.1', from: 'validator-0', to: 'validator-3', kind: 'tendermint.vote', at: 1, body: vote }, signingKeyFromSeed(new Uint8Array(32).fill(9)))
    nc.publish(subjectsOf(devnet.net.network).actor('validator-3'), encodeEnvelope(forged))
    await nc.flush()
    await nc.close()
    const [s] = (await devnet.waitForAll(['validator-3'], 'validator-3 to drop the forged vote', (st) => (st.counters['signature.errors'] ?? 0) >= 1)).values()
    expect(s!.state).toBe('up')
    await allAtLeast(height + 2, 'the chain to go on')
  }, 90_000)

  it('the recorded run replays in the simulator with the same commits', async () => {
    for (const id of devnet.ids) expect(await devnet.stopNode(id, 'SIGTERM')).toBe(0)
    const out = join(devnet.layout.dir, 'run.cbors')
    const recorded = spawnSync(process.execPath, ['bin/strata.js', 'devnet', 'record', '--dir', devnet.layout.dir, '--out', out], { encoding: 'utf8', timeout: 60_000 })
    expect(recorded.status, recorded.stderr).toBe(0)
    expect(recorded.stdout).toMatch(/5 nodes, 6 recorded runs/)

    const replay = spawnSync(process.execPath, ['bin/strata.js', 'replay', out, '--json'], { encoding: 'utf8', timeout: 120_000 })
    expect(replay.status, replay.stdout + replay.stderr).toBe(0)
    const result = JSON.parse(replay.stdout) as { identical: boolean; segments: { node: string; cut: boolean; reports: number }[]; checks: { type: string; passed: boolean }[] }
    expect(result.identical).toBe(true)
    expect(result.segments.map((s) => `${s.node}${s.cut ? ' cut' : ''}`)).toEqual(['validator-0', 'validator-1', 'validator-2 cut', 'validator-2', 'validator-3', 'txclient-0'])
    expect(result.checks.map((c) => `${c.type} ${c.passed}`)).toEqual(['consensus.agreement true', 'consensus.validity true', 'consensus.no-double-sign true'])

    // The replay compared every commit: alter one recorded commit and it says where.
    const bytes = readFileSync(out)
    const items = [...decodeSequence(bytes).items]
    const index = items.findIndex((item) => Array.isArray(item) && item[0] === 'report' && item[1] === 'validator-1' && item[2] === COMMITTED)
    const item = items[index] as [string, string, string, Uint8Array]
    const altered = { ...(decode(item[3]) as CommittedReport), blockId: '00'.repeat(32) }
    items[index] = [item[0], item[1], item[2], encode(altered, rfc8949EncodeOptions)]
    const tampered = join(devnet.layout.dir, 'tampered.cbors')
    writeFileSync(tampered, Buffer.concat(items.map((i) => encode(i, rfc8949EncodeOptions))))
    const diverged = spawnSync(process.execPath, ['bin/strata.js', 'replay', tampered], { encoding: 'utf8', timeout: 120_000 })
    expect(diverged.status).toBe(1)
    expect(diverged.stdout).toMatch(/DIVERGES\n {2}first divergence: validator-1 \(run 1\)[\s\S]*recorded: validator-1 reported chain\.committed\n {2}replayed: reported chain\.committed \[report\]/)
  }, 180_000)
})
