import type { DevnetState } from './state.ts'
import type { StatusAnswer } from './statusClient.ts'

/** The validator role's figure for its committed height (read when the role exists). */
const VALIDATOR_ROLE = 'validator'
const HEIGHT_FIGURE = 'height'
/** The counters of ProcessEnvironment's refusals: worth an operator's eye when not zero. */
const DROP_COUNTERS = ['decode.errors', 'signature.errors', 'envelopes.misrouted', 'envelopes.unknown-sender']

export interface DevnetNodeReport {
  readonly id: string
  readonly role: string
  readonly pid: number
  readonly process: 'running' | 'exited'
  /** The node's own state when it answered ("up", "failed", ...), else "unreachable". */
  readonly status: string
  readonly problem?: string
  readonly uptimeSeconds?: number
  readonly figures: Readonly<Record<string, number>>
  /** Envelopes the node refused (undecodable, badly signed, misrouted, from strangers). */
  readonly dropped: number
  readonly height?: number
  readonly log: string
  readonly metrics?: string
}

export interface DevnetReport {
  readonly network: string
  readonly nats: { readonly url: string; readonly pid: number; readonly running: boolean }
  readonly nodes: readonly DevnetNodeReport[]
  /** The lowest height over validators that answered (absent without validators). */
  readonly minHeight?: number
  readonly allUp: boolean
}

export const devnetReport = (state: DevnetState, natsRunning: boolean, alive: (node: { readonly id: string; readonly pid: number }) => boolean, answers: ReadonlyMap<string, StatusAnswer>): DevnetReport => {
  const nodes = state.nodes.map((node): DevnetNodeReport => {
    const answer = answers.get(node.id)
    // A node restarted by hand since `up` answers with its new pid: the answer is the truth.
    const running = answer?.ok === true || alive(node)
    const pid = answer?.ok === true ? answer.status.pid : node.pid
    const base = { id: node.id, role: node.role, pid, process: running ? ('running' as const) : ('exited' as const), log: node.log, ...(node.metricsPort === undefined ? {} : { metrics: `http://127.0.0.1:${node.metricsPort}/metrics` }) }
    if (answer === undefined || !answer.ok) {
      return { ...base, status: 'unreachable', problem: running ? (answer?.problem ?? 'NATS is down') : 'the process has exited', figures: {}, dropped: 0 }
    }
    const { figures, counters } = answer.status
    const height = node.role === VALIDATOR_ROLE ? figures[HEIGHT_FIGURE] : undefined
    const dropped = DROP_COUNTERS.reduce((sum, name) => sum + (counters[name] ?? 0), 0)
    return { ...base, status: answer.status.state, uptimeSeconds: answer.status.uptimeSeconds, figures, dropped, ...(height === undefined ? {} : { height }) }
  })
  const heights = nodes.flatMap((n) => (n.height === undefined ? [] : [n.height]))
  return {
    network: state.network,
    nats: { url: state.nats.url, pid: state.nats.pid, running: natsRunning },
    nodes,
    ...(heights.length === 0 ? {} : { minHeight: Math.min(...heights) }),
    allUp: natsRunning && nodes.every((n) => n.status === 'up'),
  }
}

const figuresText = (figures: Readonly<Record<string, number>>): string =>
  Object.entries(figures)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
    .join(' · ')

/** The human table: one line per node. */
export const formatReport = (report: DevnetReport): string => {
  const rows = report.nodes.map((n) => [
    n.id,
    n.role,
    String(n.pid),
    n.status,
    n.status === 'up' ? `${Math.round(n.uptimeSeconds ?? 0)}s` : '',
    n.problem ?? `${figuresText(n.figures)}${n.dropped === 0 ? '' : ` · DROPPED ${n.dropped} bad envelopes (see its log at debug level)`}`,
  ])
  const header = ['node', 'role', 'pid', 'status', 'uptime', 'figures']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')
  const up = report.nodes.filter((n) => n.status === 'up').length
  const lines = [
    `network ${report.network} · nats ${report.nats.url} (pid ${report.nats.pid}, ${report.nats.running ? 'running' : 'NOT RUNNING'}) · ${up}/${report.nodes.length} nodes up${report.minHeight === undefined ? '' : ` · minHeight ${report.minHeight}`}`,
    line(header),
    ...rows.map(line),
  ]
  return lines.join('\n')
}
