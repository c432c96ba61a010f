import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Either } from 'effect'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { freePort } from '../../src/devnet/freePort.ts'
import { startNatsServer, type StartedNatsServer } from '../../src/devnet/natsServer.ts'
import { publicKeyHex } from '../../src/runtime/crypto/ed25519.ts'
import { ensureNodeKey } from '../../src/runtime/process/nodeKey.ts'
import { waitFor } from './support/processDevnet.ts'

/**
 * 64 MiB between two processes over the libp2p bulk channel (TCP, noise, yamux), the
 * peer's address learned from its NATS heartbeat, the envelope signed and checked like
 * any other. The payload's sha256 must match on both ends.
 */
const PAYLOAD_BYTES = 64 * 1024 * 1024

let dir: string
let nats: StartedNatsServer | undefined
const children: ChildProcess[] = []
const reports = new Map<string, Record<string, unknown>[]>()
const logs = new Map<string, string[]>()

const spawnNode = (id: string, url: string, keys: readonly string[]): void => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/process/fixtures/bulkNode.ts', id, url, join(dir, id), ...keys, String(PAYLOAD_BYTES)], { stdio: ['ignore', 'ignore', 'pipe'] })
  children.push(child)
  reports.set(id, [])
  logs.set(id, [])
  let pending = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      logs.get(id)!.push(line)
      try {
        const entry = JSON.parse(line) as { msg?: string; event?: string; data?: Record<string, unknown> }
        if (entry.msg === 'report' && entry.event !== undefined) reports.get(id)!.push({ event: entry.event, ...entry.data })
      } catch {
        // not a log line (a crash trace): kept in logs for the failure message
      }
    }
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-bulk-'))
  const port = await freePort()
  writeFileSync(join(dir, 'nats.conf'), `listen: "127.0.0.1:${port}"\n`)
  nats = await startNatsServer({ config: join(dir, 'nats.conf'), cwd: dir, port, logFile: join(dir, 'nats.log'), detached: false })
  const keys = ['bulk-a', 'bulk-b'].map((id) => {
    const key = ensureNodeKey(join(dir, id))
    if (Either.isLeft(key)) throw key.left
    return publicKeyHex(key.right.signer.publicKey)
  })
  // bulk-a alone first: its requests to bulk-b must fail fast with no-responders (bulk-b has
  // no heartbeat yet), not wait out their timeout; it retries until bulk-b is up.
  spawnNode('bulk-a', `nats://127.0.0.1:${port}`, keys)
  await waitFor(async () => reports.get('bulk-a')!.find((r) => r.event === 'probe'), 60_000, () => `a failed probe from bulk-a; log:\n${logs.get('bulk-a')!.join('\n')}`)
  spawnNode('bulk-b', `nats://127.0.0.1:${port}`, keys)
}, 90_000)

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)))
  if (nats !== undefined) {
    process.kill(nats.pid, 'SIGKILL')
    await nats.exited
  }
  rmSync(dir, { recursive: true, force: true })
})

it('moves 64 MiB between two processes over libp2p, intact', async () => {
  const find = (id: string, event: string) => reports.get(id)?.find((r) => r.event === event)
  const received = await waitFor(
    async () => find('bulk-b', 'received'),
    90_000,
    () => `bulk-b to receive the payload; logs:\n${[...logs].map(([id, lines]) => `--- ${id}\n${lines.slice(-10).join('\n')}`).join('\n')}`,
  )
  const sent = find('bulk-a', 'sent')
  expect(sent).toBeDefined()
  expect(find('bulk-a', 'probe')?.error).toBe('no-responders')
  expect(received.bytes).toBe(PAYLOAD_BYTES)
  expect(received.sha256).toBe(sent!.sha256)
  // Both still run, and stop cleanly on SIGTERM.
  for (const child of children) child.kill('SIGTERM')
  const codes = await Promise.all(children.map((c) => (c.exitCode !== null ? c.exitCode : new Promise((r) => c.once('exit', (code) => r(code))))))
  expect(codes).toEqual([0, 0])
}, 120_000)
