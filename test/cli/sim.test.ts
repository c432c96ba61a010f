import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Either } from 'effect'
import { afterAll, describe, expect, it } from 'vitest'
import { readTraceFile, TraceFileWriter } from '../../src/runtime/trace/file.ts'
import { strata } from '../support/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const scenario = (name: string, body: string): string => {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, body)
  return path
}

const small = scenario(
  'small',
  ['name: small', 'seed: 9', 'duration: 20s', 'roles:', '  member: { count: 6 }', 'faults:', '  - { at: 5s, crash: member-2 }', 'checks:', '  - { type: membership.crash-detected }', '  - { type: membership.converged, within: 12s }'].join('\n'),
)

describe('strata sim', () => {
  it('--json prints one JSON object with the seed, trace hash, checks and per-role figures, and nothing else', () => {
    const run = strata('sim', small, '--json')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(run.stdout.trim().split('\n')).toHaveLength(1)
    expect(report.seed).toBe(9)
    expect(report.traceHash).toMatch(/^[0-9a-f]{64}$/)
    expect(report.checks.map((c: { type: string; passed: boolean }) => [c.type, c.passed])).toEqual([
      ['membership.crash-detected', true],
      ['membership.converged', true],
    ])
    expect(report.roles.member.nodes).toBe(6)
    expect(report.faults[0]).toMatchObject({ action: 'crash', targets: ['member-2'] })
    expect(report.reproduce).toContain(`sim ${small} --seed 9`)
  })

  it('the same seed gives the same trace hash from the command line; --seed changes it', () => {
    const hash = (...extra: string[]) => JSON.parse(strata('sim', small, '--json', ...extra).stdout).traceHash
    expect(hash()).toBe(hash('--seed', '9'))
    expect(hash('--seed', '10')).not.toBe(hash())
  })

  it('prints a readable summary with the command that reproduces the run', () => {
    const run = strata('sim', small, '--duration', '18s')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('member ×6')
    expect(run.stdout).toContain('✓ membership.crash-detected')
    expect(run.stdout).toMatch(/reproduce: .*sim .*small\.yaml --seed 9 --duration 18s/)
  })

  it('tells why actors crashed: a validator that fails at every start is one error, with its reason, in the summary and in --json', () => {
    const noValidator = '0'.repeat(63) + '1'
    const badGenesis = scenario('bad-genesis', ['name: bad-genesis', 'duration: 2s', 'roles:', '  validator:', '    count: 4', `    params: { staking: { stakes: [ { validator: "${noValidator}", amount: 5 } ] } }`].join('\n'))
    const run = strata('sim', badGenesis)
    expect(run.stdout).toMatch(/errors \(1 distinct, .*\)\n +0µs  actor failed to start: genesis\.app\.staking stakes\[0\]: delegate: no validator 000000000000…  \(\d+× by 4 actors\)/)
    const report = JSON.parse(strata('sim', badGenesis, '--json').stdout)
    expect(report.errors).toEqual([{ firstAtUs: 0, text: expect.stringContaining('actor failed to start: genesis.app.staking stakes[0]'), actors: ['validator-0', 'validator-1', 'validator-2', 'validator-3'], count: expect.any(Number) }])
  })

  it('a run without errors prints no errors section', () => {
    expect(strata('sim', small).stdout).not.toContain('errors (')
  })

  it('exits 1 when a check fails', () => {
    const failing = scenario('failing', ['name: failing', 'duration: 10s', 'roles:', '  member: { count: 4 }', 'faults:', '  - { at: 5s, crash: member-0 }', 'checks:', '  - { type: membership.crash-detected, within: 1ms }'].join('\n'))
    const run = strata('sim', failing)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('✗ membership.crash-detected')
  })

  it('a bad scenario names the file, line and field, and exits 2', () => {
    const bad = scenario('bad', ['name: bad', 'duration: 10s', 'roles:', '  member: { count: lots }'].join('\n'))
    const run = strata('sim', bad)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${bad}:4:`)
    expect(run.stderr).toContain('roles.member.count')
    expect(strata('sim', join(dir, 'missing.yaml')).code).toBe(2)
    expect(strata('sim', small, '--seed', 'x').code).toBe(2)
  })

  it('--check-determinism runs twice and reports identical traces', () => {
    const run = strata('sim', small, '--check-determinism')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('produced identical traces')
  })
})

describe('strata replay', () => {
  it('re-runs a trace and finds it identical', () => {
    const trace = join(dir, 'run.trace')
    expect(strata('sim', small, '--trace', trace).code).toBe(0)
    const run = strata('replay', trace)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('matches')
  })

  it('points at the first divergent event when the recorded run differs', () => {
    const trace = join(dir, 'original.trace')
    const other = join(dir, 'other-seed.trace')
    strata('sim', small, '--trace', trace)
    strata('sim', small, '--seed', '77', '--trace', other)
    // A trace that claims seed 9 but holds the events of seed 77: the replay must disagree.
    const original = Either.getOrThrow(readTraceFile(trace))
    const forged = Either.getOrThrow(readTraceFile(other))
    const tampered = join(dir, 'tampered.trace')
    const writer = Either.getOrThrow(TraceFileWriter.open(tampered, original.header))
    for (const event of forged.events) writer.write(event)
    writer.close(forged.footer!)
    const run = strata('replay', tampered)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('DIVERGES')
    expect(run.stdout).toMatch(/first divergence at event #\d+/)
    const json = JSON.parse(strata('replay', tampered, '--json').stdout)
    expect(json.identical).toBe(false)
    expect(json.firstDivergence.recorded).not.toEqual(json.firstDivergence.replayed)
  })

  it('an unreadable trace is a clear error with exit code 2', () => {
    const garbage = join(dir, 'garbage.trace')
    writeFileSync(garbage, 'not a trace')
    const run = strata('replay', garbage)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('garbage.trace')
    expect(readFileSync(garbage, 'utf8')).toBe('not a trace')
  })
})
