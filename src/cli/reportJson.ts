import type { RunReport } from '../scenario/run.ts'
import { loggedErrors } from './errorDigest.ts'
import { describeFault } from './summary.ts'

/** The machine form of a run report (`--json`): stable keys, durations in µs. */
export const reportJson = (report: RunReport, extra: { traceHash: string; reproduce: string; determinism?: { identical: boolean } }) => ({
  scenario: report.scenario,
  seed: report.seed,
  traceHash: extra.traceHash,
  passed: report.passed && extra.determinism?.identical !== false,
  durationUs: report.duration,
  wallSeconds: report.wallSeconds,
  timeCompression: report.timeCompression,
  events: report.events,
  envelopesDelivered: report.envelopesDelivered,
  envelopesPerSecond: report.envelopesPerSecond,
  checks: report.checks,
  roles: Object.fromEntries(report.roles.map((r) => [r.role, { nodes: r.nodes, up: r.up, restarts: r.restarts, figures: r.figures, counters: r.counters, distributions: r.distributions }])),
  network: report.network,
  faults: report.faults.map((f) => ({ atUs: f.at, line: f.line, action: f.action.type, description: describeFault(f), targets: f.targets })),
  errors: loggedErrors(report.logs).map(({ firstAt, text, actors, count }) => ({ firstAtUs: firstAt, text, actors, count })),
  ...(extra.determinism === undefined ? {} : { determinism: extra.determinism }),
  reproduce: extra.reproduce,
})
