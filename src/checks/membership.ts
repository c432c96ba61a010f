import { Schema } from 'effect'
import { crashDetectionBound, membershipParamsFrom, type MembershipParams } from '../protocols/membership/index.ts'
import { Duration } from '../shared/paramSchemas.ts'
import type { Micros } from '../runtime/time.ts'
import { formatDuration } from '../runtime/time.ts'
import type { AppliedFault } from '../runtime/sim/simulation.ts'
import { defineCheck, type CheckScope, type Checker, type CheckResult } from './check.ts'
import { NodeHistory } from './nodeHistory.ts'

type MemberStatus = 'alive' | 'suspect' | 'dead'

interface StatusReport {
  readonly member: string
  readonly status: MemberStatus
  readonly incarnation: number
}

const isStatusReport = (event: string, data: unknown): data is StatusReport => event === 'membership.status' && typeof data === 'object' && data !== null

/** Members are grouped by role: each node tracks the nodes of its own role. */
const groupOf = (scenario: CheckScope, node: string): string[] => {
  const role = scenario.nodes.find((n) => n.id === node)?.role
  return scenario.nodes.filter((n) => n.role === role).map((n) => n.id)
}

const paramsOf = (scenario: CheckScope, node: string): MembershipParams => {
  const params = scenario.nodes.find((n) => n.id === node)?.params
  const membership = (params as { membership?: Partial<MembershipParams> } | undefined)?.membership ?? (params as Partial<MembershipParams> | undefined)
  return membershipParamsFrom(membership ?? {})
}

/** Base for the membership checks: node history plus every node's current view. */
abstract class MembershipWatcher extends NodeHistory implements Checker {
  protected readonly views = new Map<string, Map<string, MemberStatus>>()
  protected lastViewChange: Micros = 0

  constructor(protected readonly scenario: CheckScope) {
    super()
  }

  onReport(at: Micros, actor: string, event: string, data: unknown): void {
    if (!isStatusReport(event, data)) return
    let view = this.views.get(actor)
    if (view === undefined) this.views.set(actor, (view = new Map()))
    view.set(data.member, data.status)
    this.lastViewChange = at
    this.onStatusReport(at, actor, data)
  }

  protected onStatusReport(_at: Micros, _observer: string, _report: StatusReport): void {}

  abstract result(): CheckResult
}

export const crashDetected = defineCheck({
  type: 'membership.crash-detected',
  describe: 'every live member suspects a crashed member within a bound (default: the protocol\'s worst-case bound)',
  params: Schema.Struct({ within: Schema.optional(Duration) }),
  create: (params, scenario) => new CrashDetected(scenario, params.within),
})

class CrashDetected extends MembershipWatcher {
  private readonly crashes: { node: string; at: Micros }[] = []
  /** First time each observer doubted each crashed node, per crash. */
  private readonly detections = new Map<number, Map<string, Micros>>()

  constructor(
    scenario: CheckScope,
    private readonly within: Micros | undefined,
  ) {
    super(scenario)
  }

  override onFault(at: Micros, fault: AppliedFault): void {
    super.onFault(at, fault)
    if (fault.action.type === 'crash') {
      this.crashes.push({ node: fault.action.node, at })
      this.detections.set(this.crashes.length - 1, new Map())
    }
  }

  protected override onStatusReport(at: Micros, observer: string, report: StatusReport): void {
    if (report.status === 'alive') return
    this.crashes.forEach((crash, index) => {
      if (crash.node !== report.member || at < crash.at) return
      const seen = this.detections.get(index)!
      if (!seen.has(observer)) seen.set(observer, at)
    })
  }

  result(): CheckResult {
    const type = crashDetected.type
    const lines: string[] = []
    const failures: string[] = []
    let judged = 0
    this.crashes.forEach((crash, index) => {
      const group = groupOf(this.scenario, crash.node)
      const bound = this.within ?? crashDetectionBound(paramsOf(this.scenario, crash.node), group.length)
      const end = crash.at + bound
      // A node restarted inside the window may rightly never be suspected: judge only crashes that lasted.
      if (this.statusAt(crash.node, end) !== 'crashed') return
      judged++
      const seen = this.detections.get(index)!
      const observers = group.filter((id) => id !== crash.node && this.upThroughout(id, crash.at, end))
      const late = observers.filter((id) => (seen.get(id) ?? Infinity) > end)
      const slowest = Math.max(0, ...observers.map((id) => (seen.get(id) ?? end) - crash.at))
      const what = `${crash.node} crashed at ${formatDuration(crash.at)}: suspected by ${observers.length - late.length}/${observers.length} live members, the last after ${formatDuration(slowest)} (bound ${formatDuration(bound)})`
      lines.push(what)
      if (late.length > 0) failures.push(`${what}; not suspected by ${late.slice(0, 5).join(', ')}${late.length > 5 ? ` and ${late.length - 5} more` : ''}`)
    })
    if (judged === 0) return { type, passed: true, summary: 'no crash stayed down long enough to judge (nothing to check)' }
    return failures.length === 0
      ? { type, passed: true, summary: lines.length === 1 ? lines[0]! : `${lines.length} crashes detected within their bounds`, details: lines }
      : { type, passed: false, summary: failures[0]!, details: failures }
  }
}

export const noFalseSuspicion = defineCheck({
  type: 'membership.no-false-suspicion',
  describe: 'no member is suspected unless a fault touched it, its observer, or the network',
  params: Schema.Struct({}),
  create: (_params, scenario) => new NoFalseSuspicion(scenario),
})

class NoFalseSuspicion extends MembershipWatcher {
  private readonly violations: string[] = []

  protected override onStatusReport(at: Micros, observer: string, report: StatusReport): void {
    if (report.status === 'alive') return
    const excused = (node: string) => {
      const touched = this.firstTouched(node)
      return touched !== undefined && touched <= at
    }
    const network = this.firstNetworkFault
    if (excused(report.member) || excused(observer) || (network !== undefined && network <= at)) return
    this.violations.push(`${observer} marked ${report.member} ${report.status} at ${formatDuration(at)} though no fault touched either or the network`)
  }

  result(): CheckResult {
    const type = noFalseSuspicion.type
    return this.violations.length === 0
      ? { type, passed: true, summary: 'no live member was ever suspected without a fault' }
      : { type, passed: false, summary: this.violations[0]!, details: this.violations.slice(0, 20) }
  }
}

export const converged = defineCheck({
  type: 'membership.converged',
  describe: 'at the end, every live member sees exactly the live members as alive, within a time after the last fault',
  params: Schema.Struct({ within: Duration }),
  create: (params, scenario) => new Converged(scenario, params.within),
})

class Converged extends MembershipWatcher {
  private endedAt: Micros = 0

  constructor(
    scenario: CheckScope,
    private readonly within: Micros,
  ) {
    super(scenario)
  }

  onEnd(at: Micros): void {
    this.endedAt = at
  }

  result(): CheckResult {
    const type = converged.type
    const wrong: string[] = []
    const roleOf = (id: string) => this.scenario.nodes.find((n) => n.id === id)?.role
    const membershipRoles = new Set([...this.views.keys()].map(roleOf))
    const nodes = this.scenario.nodes.filter((n) => membershipRoles.has(n.role) && this.statusAt(n.id, this.endedAt) === 'up')
    for (const observer of nodes) {
      const view = this.views.get(observer.id) ?? new Map<string, MemberStatus>()
      for (const member of groupOf(this.scenario, observer.id)) {
        if (member === observer.id) continue
        const status = this.statusAt(member, this.endedAt)
        if (status === 'paused') continue
        const seen = view.get(member) ?? 'alive'
        const expected = status === 'up'
        if ((seen === 'alive') !== expected) wrong.push(`${observer.id} sees ${member} as ${seen} but it is ${status}`)
      }
    }
    const lastFault = this.lastFaultAt
    const settled = lastFault === undefined ? 0 : Math.max(0, this.lastViewChange - lastFault)
    if (wrong.length > 0) return { type, passed: false, summary: `views differ at the end: ${wrong[0]}${wrong.length > 1 ? ` (and ${wrong.length - 1} more)` : ''}`, details: wrong.slice(0, 20) }
    if (lastFault !== undefined && settled > this.within) {
      return { type, passed: false, summary: `views converged ${formatDuration(settled)} after the last fault, more than ${formatDuration(this.within)}` }
    }
    if (lastFault !== undefined && this.endedAt - lastFault < this.within) {
      return { type, passed: false, summary: `the run ends ${formatDuration(this.endedAt - lastFault)} after the last fault, before the ${formatDuration(this.within)} allowed to converge; lengthen duration` }
    }
    return { type, passed: true, summary: lastFault === undefined ? 'all live members agree on who is alive' : `all live members agree on who is alive, ${formatDuration(settled)} after the last fault` }
  }
}
