import type { RunReport } from '../scenario/run.ts'
import type { AppliedFault } from '../runtime/sim/simulation.ts'
import { formatDuration } from '../runtime/time.ts'
import { loggedErrors } from './errorDigest.ts'

const n = (value: number): string => Math.round(value).toLocaleString('en-US')
const pct = (part: number, whole: number): string => (whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(2)}%`)

/**
 * A role's figure over its nodes: one value when they all agree (a chain height, the
 * transactions it committed), else the range — summing per-node levels would mislead.
 */
const figureText = (name: string, f: { min: number; max: number }): string => `${name} ${f.min === f.max ? n(f.max) : `${n(f.min)}–${n(f.max)}`}`

export const describeFault = (fault: AppliedFault): string => {
  const a = fault.action
  switch (a.type) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return `${a.type} ${a.node}`
    case 'partition':
      return `partition${a.oneWay ? ' (one-way)' : ''} ${fault.targets.map((g) => `[${g.split('+').length > 4 ? `${g.split('+').length} nodes` : g.split('+').join(' ')}]`).join(' | ')}`
    case 'heal':
      return 'heal partition'
    case 'clock':
      return `clock ${a.node}${a.drift !== undefined ? ` drift ${a.drift}` : ''}${a.jump !== undefined ? ` jump ${a.jump >= 0 ? '+' : '-'}${formatDuration(Math.abs(a.jump))}` : ''}`
    case 'storage':
      return `storage ${a.node}${a.corruptReads !== undefined ? ` corrupt reads ${a.corruptReads}` : ''}${a.loseUnsyncedOnCrash !== undefined ? ` lose unsynced ${a.loseUnsyncedOnCrash}` : ''}`
    case 'network':
      return `network ${Object.keys(a.change).join(', ')} changed`
    case 'restore-network':
      return 'network restored'
  }
}

/** The human summary of a run: what ran, how fast, what each role did, what broke. */
export const formatSummary = (report: RunReport, extra: { traceHash: string; traceFile?: string; reproduce: string }): string => {
  const lines: string[] = []
  lines.push(`strata sim ${report.scenario.path} — "${report.scenario.name}", seed ${report.seed}`)
  lines.push(
    `  simulated ${formatDuration(report.duration)} in ${report.wallSeconds.toFixed(2)}s (${n(report.timeCompression)}× real time) · ${n(report.events)} events · ${n(report.envelopesDelivered)} envelopes delivered (${n(report.envelopesPerSecond)}/s)`,
  )
  lines.push(`  trace hash ${extra.traceHash}${extra.traceFile !== undefined ? `  → ${extra.traceFile}` : ''}`)
  lines.push('')
  lines.push('roles')
  const width = Math.max(...report.roles.map((r) => `${r.role} ×${r.nodes}`.length))
  for (const r of report.roles) {
    const parts = [`up ${r.up}/${r.nodes}`, `restarts ${r.restarts}`]
    for (const [name, f] of Object.entries(r.figures)) parts.push(figureText(name, f))
    for (const [name, d] of Object.entries(r.distributions)) parts.push(`${name} p50 ${formatDuration(d.p50)} p99 ${formatDuration(d.p99)}`)
    lines.push(`  ${`${r.role} ×${r.nodes}`.padEnd(width)}  ${parts.join(' · ')}`)
  }
  const net = report.network
  lines.push('')
  lines.push(
    `network  sent ${n(net.sent)} · delivered ${n(net.delivered)} · lost ${n(net.lost)} (${pct(net.lost, net.sent)}) · duplicated ${n(net.duplicated)} (${pct(net.duplicated, net.sent)}) · blocked by partitions ${n(net.partitioned)} · decode errors ${n(net.decodeErrors)}`,
  )
  const errors = loggedErrors(report.logs)
  if (errors.length > 0) {
    lines.push('')
    lines.push(`errors (${errors.length} distinct, from the last ${report.logs.length} log lines kept)`)
    for (const e of errors.slice(0, 5)) {
      const who = e.actors.length <= 3 ? e.actors.join(', ') : `${e.actors.length} actors`
      lines.push(`  ${formatDuration(e.firstAt).padStart(10)}  ${e.text}  (${e.count}× by ${who})`)
    }
    if (errors.length > 5) lines.push(`  … and ${errors.length - 5} more (--json lists them all)`)
  }
  if (report.faults.length > 0) {
    lines.push('')
    lines.push(`faults (${report.faults.length})`)
    for (const f of report.faults.slice(0, 30)) lines.push(`  ${formatDuration(f.at).padStart(10)}  ${describeFault(f)}  (line ${f.line})`)
    if (report.faults.length > 30) lines.push(`  … and ${report.faults.length - 30} more`)
  }
  lines.push('')
  const failed = report.checks.filter((c) => !c.passed).length
  lines.push(report.checks.length === 0 ? 'checks   none declared' : `checks   ${report.checks.length - failed} passed, ${failed} failed`)
  for (const c of report.checks) {
    lines.push(`  ${c.passed ? '✓' : '✗'} ${c.type}: ${c.summary}`)
    if (!c.passed) for (const d of (c.details ?? []).slice(1, 6)) lines.push(`      ${d}`)
  }
  lines.push('')
  lines.push(`reproduce: ${extra.reproduce}`)
  return lines.join('\n')
}
