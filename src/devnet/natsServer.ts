import { spawn } from 'node:child_process'
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs'
import { connect as tcpConnect } from 'node:net'
import { delimiter, join } from 'node:path'
import { Data } from 'effect'

export class NatsServerError extends Data.TaggedError('NatsServerError')<{ readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return this.detail
  }
}

/** Debian installs nats-server to /usr/sbin, which is not on every user's PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin']

export const INSTALL_HINT = 'install it with `apt-get install nats-server` (as root), or run scripts/ensure-nats-server.sh'

/** The nats-server binary, or undefined when it is not installed. */
export const findNatsServer = (): string | undefined => {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS]
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, or rejects after `timeoutMs`. */
export const waitForPort = async (port: number, timeoutMs: number, stillRunning: () => boolean = () => true): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!stillRunning()) throw new Error('the process exited')
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
}

export interface StartedNatsServer {
  readonly pid: number
  readonly exited: Promise<number | null>
}

/**
 * Starts nats-server with `config` (in `cwd`, against which the config's paths resolve),
 * its output appended to `logFile`, in its own process group so that a Ctrl-C at the
 * terminal reaches only whoever orchestrates the shutdown. Resolves once it listens.
 */
export const startNatsServer = async (options: { readonly config: string; readonly cwd: string; readonly port: number; readonly logFile: string; readonly detached: boolean }): Promise<StartedNatsServer> => {
  const binary = findNatsServer()
  if (binary === undefined) throw new NatsServerError({ detail: 'nats-server is not installed', hint: INSTALL_HINT })
  const log = openSync(options.logFile, 'a')
  const child = spawn(binary, ['-c', options.config], { cwd: options.cwd, stdio: ['ignore', log, log], detached: true })
  closeSync(log)
  if (options.detached) child.unref()
  let running = true
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((running = false), resolve(code))))
  child.once('error', () => (running = false))
  try {
    await waitForPort(options.port, 15_000, () => running)
  } catch (error) {
    if (running) child.kill('SIGKILL')
    const tail = readFileSync(options.logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')
    throw new NatsServerError({ detail: `nats-server did not start: ${(error as Error).message}${tail === '' ? '' : ` (log: ${tail})`}`, hint: `see ${options.logFile}` })
  }
  return { pid: child.pid!, exited }
}
