import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the real `strata` command from the repository root and captures everything. */
export const strata = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['bin/strata.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
