import { Either } from 'effect'
import { catalog } from '../../catalog/index.ts'
import type { CheckResult } from '../../checks/check.ts'
import { agreement, noDoubleSign, validity } from '../../checks/consensus.ts'
import { resolveNetwork } from '../../devnet/networkPlan.ts'
import { replayLive, type LiveReplayResult } from '../../runtime/live/liveReplay.ts'
import type { LiveTrace } from '../../runtime/live/liveTraceFile.ts'
import type { Divergence } from '../../runtime/live/replayNode.ts'
import { parseNetworkFile } from '../../runtime/process/networkFile.ts'
import type { NetworkPlan } from '../../runtime/process/nodePlan.ts'
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../exitCodes.ts'
import { fail } from '../fail.ts'
import { progressLine } from '../progress.ts'

/** The checks that judge a live run from its reports alone: safety, no timing assumptions. */
const LIVE_CHECKS = [agreement, validity, noDoubleSign]

export interface LiveReplayFlags {
  readonly json?: boolean
  readonly progress?: boolean
}

/**
 * `strata replay` of a live trace: the recorded network replayed through the simulator's
 * queue, every actor's decisions compared with the live ones, then the safety checks run
 * over the replayed reports (which, up to a divergence, are the live reports).
 */
export const replayLiveAction = (path: string, trace: LiveTrace, flags: LiveReplayFlags): void => {
  const plan = planOf(path, trace)
  const progress = progressLine('replaying', flags.progress !== false && process.stderr.isTTY === true)
  const result = replayLive(trace.segments, plan, (replayed, span) => progress.update(replayed, span))
  progress.done()
  const checks = runChecks(plan, result)
  const ok = result.divergence === undefined && checks.every((c) => c.passed)
  if (flags.json === true) process.stdout.write(`${JSON.stringify(jsonOf(path, trace, result, checks))}\n`)
  else process.stdout.write(`${textOf(path, trace, result, checks)}\n`)
  process.exitCode = ok ? EXIT_OK : EXIT_CHECK_FAILED
}

const planOf = (path: string, trace: LiveTrace): NetworkPlan => {
  const first = trace.segments[0]
  if (first === undefined) return fail(`${path} holds no recorded segment`, EXIT_BAD_INPUT, 'export a devnet that ran with recording on')
  const texts = new Set(trace.segments.map((s) => s.header.networkFile.text))
  if (texts.size > 1) process.stderr.write('strata: warning: the nodes recorded different network files; replaying with the first\n')
  const net = parseNetworkFile(first.header.networkFile.text, first.header.networkFile.path)
  if (Either.isLeft(net)) return fail(`the network file recorded in ${path}: ${net.left.message}`, EXIT_BAD_INPUT)
  const resolved = resolveNetwork(net.right, catalog)
  if (Either.isLeft(resolved)) return fail(resolved.left.message, EXIT_BAD_INPUT, resolved.left.hint)
  return resolved.right.plan
}

const runChecks = (plan: NetworkPlan, result: LiveReplayResult): CheckResult[] => {
  if (!plan.nodes.some((n) => n.role === 'validator')) return []
  const scope = { nodes: plan.nodes.map((n) => ({ id: n.id, role: n.role, params: n.params })) }
  const checkers = LIVE_CHECKS.map((c) => c.create({}, scope))
  for (const r of result.reports) for (const c of checkers) c.onReport?.(r.at, r.actor, r.event, r.data)
  return checkers.map((c) => c.result())
}

const count = (n: number): string => n.toLocaleString('en-US')

const reportCounts = (result: LiveReplayResult): string => {
  const byEvent = new Map<string, number>()
  for (const r of result.reports) byEvent.set(r.event, (byEvent.get(r.event) ?? 0) + 1)
  return [...byEvent].map(([event, n]) => `${event} ×${count(n)}`).join(', ')
}

const textOf = (path: string, trace: LiveTrace, result: LiveReplayResult, checks: readonly CheckResult[]): string => {
  const cut = result.segments.filter((s) => s.cut).length
  const width = Math.max(...result.segments.map((s) => s.node.length))
  const lines = [
    `replay of ${path}: live network ${trace.header.network}, ${trace.header.nodes.length} nodes, ${result.segments.length} recorded runs${cut === 0 ? '' : ` (${cut} cut short: compared up to where the recording ends)`}`,
    ...result.segments.map(
      (s) => `  ${s.node.padEnd(width)}  run ${s.segment}  ${count(s.turns)} turns · ${count(s.deliveries)} deliveries · ${count(s.timers)} timers · ${count(s.sent)} sent · ${count(s.reports)} reports${s.cut ? ' · cut' : ''}`,
    ),
  ]
  if (result.divergence === undefined) {
    const sent = result.segments.reduce((n, s) => n + s.sent, 0)
    lines.push(`MATCHES: every actor made the decisions it made live — ${count(result.turns)} turns, ${count(sent)} envelopes sent, reports: ${reportCounts(result) || 'none'}`)
  } else {
    lines.push('DIVERGES', ...divergenceLines(result.divergence))
  }
  for (const c of checks) lines.push(`  ${c.passed ? 'pass' : 'FAIL'}  ${c.type}: ${c.summary}`, ...(c.passed ? [] : (c.details ?? []).slice(1).map((d) => `        ${d}`)))
  return lines.join('\n')
}

const divergenceLines = (d: Divergence): string[] => [
  `  first divergence: ${d.node} (run ${d.segment}), recorded item ${d.index}`,
  ...d.before.map((turn) => `      ${turn}`),
  `    > ${d.turn}`,
  `  recorded: ${d.recorded}`,
  `  replayed: ${d.replayed}`,
]

const jsonOf = (path: string, trace: LiveTrace, result: LiveReplayResult, checks: readonly CheckResult[]) => ({
  trace: path,
  origin: 'live',
  network: trace.header.network,
  nodes: trace.header.nodes,
  segments: result.segments,
  turns: result.turns,
  identical: result.divergence === undefined,
  ...(result.divergence === undefined ? {} : { firstDivergence: result.divergence }),
  checks,
})
