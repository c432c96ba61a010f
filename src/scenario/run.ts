import type { CheckResult, Checker } from '../checks/check.ts'
import type { Catalog } from '../catalog/index.ts'
import { workloadNodes } from '../catalog/workloadNodes.ts'
import { KindRegistry } from '../runtime/kinds.ts'
import { summarize, type Distribution } from '../runtime/metricsBook.ts'
import { Simulation, type AppliedFault, type LogLine, type NetworkCounters, type TraceSink } from '../runtime/sim/simulation.ts'
import type { SimNodeSpec } from '../runtime/sim/simNode.ts'
import { defaultSupervisorSpec } from '../runtime/supervisor.ts'
import type { Micros } from '../runtime/time.ts'
import type { Scenario } from './types.ts'

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number
  /** Overrides the scenario's duration. */
  readonly duration?: Micros
  readonly trace: TraceSink
  readonly onProgress?: (now: Micros, duration: Micros) => void
  /** A wall clock for the figures (performance.now); the run itself never reads it. */
  readonly wallClock: () => number
}

export interface FigureSummary {
  readonly sum: number
  readonly min: number
  readonly max: number
}

export interface RoleReport {
  readonly role: string
  readonly nodes: number
  readonly up: number
  readonly restarts: number
  readonly figures: Readonly<Record<string, FigureSummary>>
  readonly counters: Readonly<Record<string, number>>
  readonly distributions: Readonly<Record<string, Distribution>>
}

export interface RunReport {
  readonly scenario: { readonly name: string; readonly path: string }
  readonly seed: number
  readonly duration: Micros
  readonly wallSeconds: number
  readonly timeCompression: number
  readonly events: number
  readonly envelopesDelivered: number
  readonly envelopesPerSecond: number
  readonly network: NetworkCounters
  readonly roles: readonly RoleReport[]
  readonly faults: readonly AppliedFault[]
  readonly checks: readonly CheckResult[]
  readonly passed: boolean
  readonly logs: readonly LogLine[]
}

/** Turns a loaded scenario into simulated nodes, runs it, and judges it with its checks. */
export const runScenario = (scenario: Scenario, catalog: Catalog, options: RunOptions): RunReport => {
  const seed = options.seed ?? scenario.seed
  const duration = options.duration ?? scenario.duration
  const nodes = buildNodes(scenario, catalog)
  const registry = new KindRegistry()
  for (const node of nodes) for (const actor of node.actors) registry.register(actor.def.kinds)
  const checkers: { type: string; checker: Checker }[] = scenario.checks.map((spec) => {
    const def = catalog.checks[spec.type]
    if (def === undefined) throw new Error(`unknown check ${spec.type}`)
    return { type: spec.type, checker: def.create(spec.params, scenario) }
  })
  const sim = new Simulation({
    seed,
    duration,
    network: scenario.network,
    nodes,
    faults: scenario.faults,
    registry,
    trace: options.trace,
    observers: checkers.map((c) => c.checker),
  })
  const started = options.wallClock()
  sim.run(options.onProgress === undefined ? {} : { onProgress: (now) => options.onProgress!(now, duration) })
  const wallSeconds = Math.max(1e-9, (options.wallClock() - started) / 1000)
  const checks = checkers.map((c) => c.checker.result())
  return {
    scenario: { name: scenario.name, path: scenario.path },
    seed,
    duration,
    wallSeconds,
    timeCompression: duration / 1_000_000 / wallSeconds,
    events: sim.eventsTraced,
    envelopesDelivered: sim.counters.delivered,
    envelopesPerSecond: sim.counters.delivered / wallSeconds,
    network: { ...sim.counters },
    roles: roleReports(sim),
    faults: sim.faultsApplied,
    checks,
    passed: checks.every((c) => c.passed),
    logs: sim.logs,
  }
}

const buildNodes = (scenario: Scenario, catalog: Catalog): SimNodeSpec[] => {
  const nodes: SimNodeSpec[] = scenario.nodes.map((node) => {
    const role = catalog.roles[node.role]
    if (role === undefined) throw new Error(`unknown role ${node.role}`)
    return {
      id: node.id,
      role: node.role,
      params: (node.params ?? {}) as Record<string, unknown>,
      actors: role.actors(node.id, node.params),
      supervisor: role.supervisor ?? defaultSupervisorSpec,
    }
  })
  for (const { node } of workloadNodes(scenario.workloads, catalog.workloads)) nodes.push({ ...node, supervisor: defaultSupervisorSpec })
  return nodes
}

const roleReports = (sim: Simulation): RoleReport[] => {
  const roles = [...new Set(sim.nodes.map((n) => n.role))]
  return roles.map((role) => {
    const nodes = sim.nodes.filter((n) => n.role === role)
    const figures: Record<string, FigureSummary> = {}
    const counters: Record<string, number> = {}
    const samples = new Map<string, number[]>()
    for (const node of nodes) {
      for (const host of node.hosts) {
        for (const [name, value] of Object.entries(host.figures())) {
          const f = figures[name]
          figures[name] = f === undefined ? { sum: value, min: value, max: value } : { sum: f.sum + value, min: Math.min(f.min, value), max: Math.max(f.max, value) }
        }
      }
      for (const book of node.metricsByActor.values()) {
        for (const [name, value] of book.counters) counters[name] = (counters[name] ?? 0) + value
        for (const name of book.distributionNames()) {
          let list = samples.get(name)
          if (list === undefined) samples.set(name, (list = []))
          for (const v of book.observations(name)) list.push(v)
        }
      }
    }
    const distributions: Record<string, Distribution> = {}
    for (const [name, list] of [...samples].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const d = summarize(list)
      if (d !== undefined) distributions[name] = d
    }
    return {
      role,
      nodes: nodes.length,
      up: nodes.filter((n) => n.status === 'up').length,
      restarts: nodes.reduce((sum, n) => sum + n.restarts, 0),
      figures,
      counters,
      distributions,
    }
  })
}
