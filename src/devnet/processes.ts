import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The strata launcher, so nodes run the same code as the command that starts them. */
const STRATA_BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url))

export interface NodeLaunch {
  readonly id: string
  readonly role: string
  readonly networkFile: string
  readonly dataDir: string
  readonly logFile: string
  readonly metricsPort?: number
  readonly detached: boolean
  /** Pass `--record`: the node records its turns for `devnet record` and `replay`. */
  readonly record: boolean
  /** `--record-limit` for a recording node (the node's default when absent). */
  readonly recordLimit?: string
}

export interface Launched {
  readonly pid: number
  readonly exited: Promise<number | null>
}

/** Starts `strata node` for one node, stdout and stderr appended to its log file, in its own process group. */
export const launchNode = (launch: NodeLaunch): Launched => {
  const args = [STRATA_BIN, 'node', '--role', launch.role, '--id', launch.id, '--network', launch.networkFile, '--data', launch.dataDir]
  if (launch.metricsPort !== undefined) args.push('--metrics', String(launch.metricsPort))
  if (launch.record) args.push('--record', ...(launch.recordLimit === undefined ? [] : ['--record-limit', launch.recordLimit]))
  const log = openSync(launch.logFile, 'a')
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], detached: true })
  closeSync(log)
  if (launch.detached) child.unref()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.once('error', () => undefined)
  return { pid: child.pid!, exited }
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Whether `pid` is still the process we started: every marker is one of its command-line
 * arguments, or the end of one (the binary's path), e.g. the node id and the network file. A pid from a state file may have been reused
 * by an unrelated process since, which must never be signalled.
 */
export const isOurs = (pid: number, markers: readonly string[]): boolean => {
  if (!isAlive(pid)) return false
  let args: string[]
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
  } catch {
    return false
  }
  return markers.every((m) => args.some((arg) => arg === m || arg.endsWith(`/${m}`)))
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Stops processes: SIGTERM, then SIGKILL for those still running after `graceMs`.
 * Resolves when all are gone; says which needed the SIGKILL.
 */
export const stopProcesses = async (targets: readonly { readonly name: string; readonly pid: number; readonly markers: readonly string[] }[], graceMs: number): Promise<string[]> => {
  const ours = targets.filter((t) => isOurs(t.pid, t.markers))
  for (const t of ours) signal(t.pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline && ours.some((t) => isAlive(t.pid))) await sleep(50)
  const killed = ours.filter((t) => isAlive(t.pid))
  for (const t of killed) signal(t.pid, 'SIGKILL')
  while (killed.some((t) => isAlive(t.pid))) await sleep(50)
  return killed.map((t) => t.name)
}

const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name)
  } catch {
    // already gone
  }
}
