import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** "0.1.0+<git short hash>[-dirty]" when run from a checkout, else the package version. */
export const codeVersion = (): string => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  try {
    const cwd = new URL('../..', import.meta.url).pathname
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== ''
    return `${pkg.version}+${hash}${dirty ? '-dirty' : ''}`
  } catch {
    return pkg.version
  }
}
