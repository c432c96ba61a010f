import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runYaml } from './support/scenarioRun.ts'

const dir = new URL('../scenarios/', import.meta.url)
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('bench-'))

/** The scenarios users start from are examples that must keep passing their own checks. */
describe('example scenarios', () => {
  it.each(files)('%s passes its checks', (file) => {
    const { report } = runYaml(readFileSync(new URL(file, dir), 'utf8'))
    for (const c of report.checks) expect(c.passed, `${file}: ${c.type}: ${c.summary}`).toBe(true)
    expect(report.checks.length).toBeGreaterThan(0)
  })
})
