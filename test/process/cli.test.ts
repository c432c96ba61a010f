import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAlive } from '../../src/devnet/processes.ts'

/**
 * The operator's commands, run as a user would: `strata keys`, `strata node` refusing bad
 * input, and a devnet driven through `devnet up --detach`, `status --json` and `down`.
 */
const strata = (args: readonly string[]) => {
  const result = spawnSync(process.execPath, ['bin/strata.js', ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.replace(/^npm warn.*\n/gm, '') }
}

let dir: string
const devnetDir = () => join(dir, 'devnet')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-'))
})

afterAll(() => {
  // Whatever a failed step left running: every pid the state file names.
  const stateFile = join(devnetDir(), 'devnet.state.json')
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { nats: { pid: number }; nodes: { pid: number }[] }
    for (const pid of [...state.nodes.map((n) => n.pid), state.nats.pid]) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('strata keys', () => {
  it('creates a private key file once and prints its public key every time', () => {
    const data = join(dir, 'node-x')
    const first = strata(['keys', '--data', data])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^[0-9a-f]{64}\n$/)
    expect(statSync(join(data, 'node.key')).mode & 0o777).toBe(0o600)
    const second = strata(['keys', '--data', data])
    expect(second.stdout).toBe(first.stdout)
    expect(second.stderr).toMatch(/already exists/)
  })
})

describe('strata devnet', () => {
  it('initializes, starts in the background, reports status, and stops', () => {
    const init = strata(['devnet', 'init', 'test/process/fixtures/three-members.yaml', '--dir', devnetDir()])
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toContain('3 nodes: member ×3')
    expect(strata(['devnet', 'init', 'test/process/fixtures/three-members.yaml', '--dir', devnetDir()]).stderr).toMatch(/already holds a devnet/)

    const wrongRole = strata(['node', '--role', 'validator', '--id', 'member-0', '--network', join(devnetDir(), 'network.yaml'), '--data', join(devnetDir(), 'nodes', 'member-0')])
    expect(wrongRole.code).toBe(2)
    expect(wrongRole.stderr).toMatch(/gives member-0 the role "member"[\s\S]*→ run it with --role member/)

    const up = strata(['devnet', 'up', '--dir', devnetDir(), '--detach'])
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0)
    expect(up.stdout).toMatch(/nats-server\s+pid \d+/)
    expect(up.stdout).toMatch(/member-2\s+pid \d+\s+member/)

    const status = strata(['devnet', 'status', '--dir', devnetDir(), '--json'])
    expect(status.code, status.stderr).toBe(0)
    const report = JSON.parse(status.stdout) as { allUp: boolean; nodes: { id: string; role: string; pid: number; status: string }[]; minHeight?: number }
    expect(report.allUp).toBe(true)
    expect(report.nodes.map((n) => [n.id, n.role, n.status])).toEqual([
      ['member-0', 'member', 'up'],
      ['member-1', 'member', 'up'],
      ['member-2', 'member', 'up'],
    ])
    expect(report.minHeight).toBeUndefined()

    const down = strata(['devnet', 'down', '--dir', devnetDir()])
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toContain('stopped.')
    for (const node of report.nodes) expect(isAlive(node.pid)).toBe(false)
    expect(existsSync(join(devnetDir(), 'devnet.state.json'))).toBe(false)
    // Each node logged a clean stop.
    expect(readFileSync(join(devnetDir(), 'logs', 'member-0.log'), 'utf8')).toMatch(/"msg":"stopped"/)

    const after = strata(['devnet', 'status', '--dir', devnetDir()])
    expect(after.code).toBe(1)
    expect(after.stderr).toMatch(/no devnet runs/)
  }, 240_000)
})
