import { Schema } from 'effect'
import { Duration, PositiveInt } from '../shared/paramSchemas.ts'
import { formatDuration, type Micros } from '../shared/time.ts'
import { defineCheck, type CheckScope, type Checker, type CheckResult } from './check.ts'
import {
  COMMITTED,
  EVIDENCE_COMMITTED,
  isByzantine,
  SIGNED,
  SLASHED,
  VALIDATOR_UPDATES,
  type CommittedReport,
  type EvidenceCommittedReport,
  type SignedReport,
  type SlashedReport,
  type ValidatorUpdatesReport,
} from './consensusReports.ts'
import { NodeHistory } from './nodeHistory.ts'

const honestValidators = (scenario: CheckScope): Set<string> =>
  new Set(scenario.nodes.filter((n) => n.role === 'validator' && !isByzantine(n)).map((n) => n.id))

const byzantineValidators = (scenario: CheckScope): Set<string> =>
  new Set(scenario.nodes.filter((n) => n.role === 'validator' && isByzantine(n)).map((n) => n.id))

const pass = (type: string, summary: string): CheckResult => ({ type, passed: true, summary })
const failWith = (type: string, problems: readonly string[]): CheckResult => ({ type, passed: false, summary: problems[0]!, details: problems.slice(0, 20) })

export const agreement = defineCheck({
  type: 'consensus.agreement',
  describe: 'no two honest validators commit different blocks at the same height',
  params: Schema.Struct({}),
  create: (_params, scenario): Checker => {
    const honest = honestValidators(scenario)
    const decided = new Map<number, { node: string; blockId: string }>()
    const problems: string[] = []
    let commits = 0
    return {
      onReport: (at, actor, event, data) => {
        if (event !== COMMITTED || !honest.has(actor)) return
        const report = data as CommittedReport
        commits++
        const first = decided.get(report.height)
        if (first === undefined) decided.set(report.height, { node: actor, blockId: report.blockId })
        else if (first.blockId !== report.blockId) {
          problems.push(`height ${report.height}: ${first.node} committed ${first.blockId.slice(0, 12)} but ${actor} committed ${report.blockId.slice(0, 12)} (at ${formatDuration(at)})`)
        }
      },
      result: () =>
        problems.length === 0
          ? pass(agreement.type, `${decided.size} heights, ${commits} honest commits, all agreeing`)
          : failWith(agreement.type, problems),
    }
  },
})

export const validity = defineCheck({
  type: 'consensus.validity',
  describe: 'every block an honest validator commits passes its own block checks',
  params: Schema.Struct({}),
  create: (_params, scenario): Checker => {
    const honest = honestValidators(scenario)
    const problems: string[] = []
    let judged = 0
    return {
      onReport: (_at, actor, event, data) => {
        if (event !== COMMITTED || !honest.has(actor)) return
        const report = data as CommittedReport
        judged++
        if (!report.valid) problems.push(`${actor} committed block ${report.blockId.slice(0, 12)} at height ${report.height} that fails its block checks`)
      },
      result: () => (problems.length === 0 ? pass(validity.type, `${judged} honest commits, every block valid`) : failWith(validity.type, problems)),
    }
  },
})

export const noDoubleSign = defineCheck({
  type: 'consensus.no-double-sign',
  describe: 'no honest validator signs two different messages for one height, round and step — across crashes and restarts',
  params: Schema.Struct({}),
  create: (_params, scenario): Checker => {
    const honest = honestValidators(scenario)
    const signed = new Map<string, string>()
    const problems: string[] = []
    return {
      onReport: (at, actor, event, data) => {
        if (event !== SIGNED || !honest.has(actor)) return
        const report = data as SignedReport
        const key = `${actor}|${report.height}|${report.round}|${report.step}`
        const previous = signed.get(key)
        if (previous === undefined) signed.set(key, report.digest)
        else if (previous !== report.digest) problems.push(`${actor} signed two different ${report.step}s at height ${report.height} round ${report.round} (at ${formatDuration(at)})`)
      },
      result: () => (problems.length === 0 ? pass(noDoubleSign.type, `${signed.size} signatures by honest validators, none conflicting`) : failWith(noDoubleSign.type, problems)),
    }
  },
})

export const liveness = defineCheck({
  type: 'consensus.liveness',
  describe: 'once the last fault is over, every honest validator that is up commits a new height at least every `within`',
  params: Schema.Struct({ within: Duration, minHeight: Schema.optional(PositiveInt) }),
  create: (params, scenario) => new Liveness(scenario, params.within, params.minHeight),
})

class Liveness extends NodeHistory implements Checker {
  private readonly commits = new Map<string, Micros[]>()
  private readonly heights = new Map<string, number>()
  private endedAt: Micros = 0

  constructor(
    private readonly scenario: CheckScope,
    private readonly within: Micros,
    private readonly minHeight: number | undefined,
  ) {
    super()
  }

  onReport(at: Micros, actor: string, event: string, data: unknown): void {
    if (event !== COMMITTED) return
    let list = this.commits.get(actor)
    if (list === undefined) this.commits.set(actor, (list = []))
    list.push(at)
    this.heights.set(actor, Math.max(this.heights.get(actor) ?? 0, (data as CommittedReport).height))
  }

  onEnd(at: Micros): void {
    this.endedAt = at
  }

  result(): CheckResult {
    const type = liveness.type
    const from = this.lastFaultAt ?? 0
    if (this.endedAt - from < this.within) return failWith(type, [`the run ends ${formatDuration(this.endedAt - from)} after the last fault, less than within=${formatDuration(this.within)}: lengthen duration`])
    const problems: string[] = []
    let worst = 0
    for (const node of honestValidators(this.scenario)) {
      if (this.statusAt(node, this.endedAt) !== 'up') continue
      const times = [from, ...(this.commits.get(node) ?? []).filter((t) => t > from), this.endedAt]
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!
        worst = Math.max(worst, gap)
        if (gap > this.within) {
          problems.push(`${node} committed nothing for ${formatDuration(gap)} after ${formatDuration(times[i - 1]!)} (allowed ${formatDuration(this.within)})`)
          break
        }
      }
      const height = this.heights.get(node) ?? 0
      if (this.minHeight !== undefined && height < this.minHeight) problems.push(`${node} reached height ${height}, below ${this.minHeight}`)
    }
    return problems.length === 0
      ? pass(type, `honest validators committed at least every ${formatDuration(worst)} after ${formatDuration(from)} (allowed ${formatDuration(this.within)}); heights up to ${Math.max(0, ...this.heights.values())}`)
      : failWith(type, problems)
  }
}

export const equivocationPunished = defineCheck({
  type: 'consensus.equivocation-punished',
  describe: 'every byzantine validator that double-signs has evidence committed and is slashed for double-signing',
  params: Schema.Struct({}),
  create: (_params, scenario): Checker => {
    const byzantine = byzantineValidators(scenario)
    const equivocated = new Map<string, number>()
    const seen = new Map<string, string>()
    const evidence = new Set<string>()
    const slashed = new Set<string>()
    return {
      onReport: (_at, actor, event, data) => {
        if (event === SIGNED && byzantine.has(actor)) {
          const report = data as SignedReport
          if (report.step === 'proposal') return
          const key = `${actor}|${report.height}|${report.round}|${report.step}`
          const previous = seen.get(key)
          if (previous === undefined) seen.set(key, report.digest)
          else if (previous !== report.digest && !equivocated.has(actor)) equivocated.set(actor, report.height)
        }
        if (event === EVIDENCE_COMMITTED) evidence.add((data as EvidenceCommittedReport).validator)
        if (event === SLASHED && (data as SlashedReport).reason === 'double-sign') slashed.add((data as SlashedReport).validator)
      },
      result: () => {
        const type = equivocationPunished.type
        if (equivocated.size === 0) return pass(type, 'no validator double-signed a vote (nothing to punish)')
        const problems = [...equivocated.keys()].sort().flatMap((v) => [
          ...(evidence.has(v) ? [] : [`${v} double-signed at height ${equivocated.get(v)} but no evidence against it was committed`]),
          ...(slashed.has(v) ? [] : [`${v} double-signed at height ${equivocated.get(v)} but was not slashed for it`]),
        ])
        return problems.length === 0 ? pass(type, `${equivocated.size} equivocating validator(s): evidence committed and slashed`) : failWith(type, problems)
      },
    }
  },
})

export const powerAtHeightPlusTwo = defineCheck({
  type: 'consensus.power-at-h-plus-2',
  describe: 'validator-set changes returned by the application at height H take effect exactly at H+2',
  params: Schema.Struct({}),
  create: (_params, scenario): Checker => {
    const honest = honestValidators(scenario)
    const sets = new Map<number, Map<string, number>>()
    const updates = new Map<number, ValidatorUpdatesReport['updates']>()
    return {
      onReport: (_at, actor, event, data) => {
        if (!honest.has(actor)) return
        if (event === COMMITTED) {
          const report = data as CommittedReport
          if (!sets.has(report.height)) sets.set(report.height, new Map(report.validators.map((v) => [v.name, v.power])))
        }
        if (event === VALIDATOR_UPDATES) {
          const report = data as ValidatorUpdatesReport
          if (report.updates.length > 0 && !updates.has(report.height)) updates.set(report.height, report.updates)
        }
      },
      result: () => {
        const type = powerAtHeightPlusTwo.type
        const problems: string[] = []
        let judged = 0
        // Each update lands at H+2 …
        for (const [height, changes] of [...updates].sort(([a], [b]) => a - b)) {
          const after = sets.get(height + 2)
          if (after === undefined) continue
          judged++
          for (const change of changes) {
            const powerAfter = after.get(change.name) ?? 0
            if (powerAfter !== change.power) problems.push(`height ${height} set ${change.name} to power ${change.power}, but height ${height + 2} has ${powerAfter}`)
          }
        }
        // … and no power changes from one height to the next but by an update two heights
        // before (not by "no change at H+1": updates at H−1 and H for one validator land at
        // H+1 and H+2).
        for (const [height, set] of [...sets].sort(([a], [b]) => a - b)) {
          const previous = sets.get(height - 1)
          if (previous === undefined) continue
          for (const name of new Set([...previous.keys(), ...set.keys()])) {
            const [was, is] = [previous.get(name) ?? 0, set.get(name) ?? 0]
            if (was === is) continue
            const cause = updates.get(height - 2)?.find((u) => u.name === name)
            if (cause?.power !== is) problems.push(`${name}'s power changed from ${was} to ${is} at height ${height} with no update to it at height ${height - 2}`)
          }
        }
        if (problems.length > 0) return failWith(type, problems)
        return judged === 0 ? pass(type, 'no validator-set change to judge') : pass(type, `${judged} validator-set change(s), each effective exactly at H+2`)
      },
    }
  },
})
