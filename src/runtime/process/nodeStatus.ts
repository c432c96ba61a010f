import type { Distribution } from '../metricsBook.ts'
import type { ProcessEnvironment } from './processEnvironment.ts'

/**
 * What a node says about itself, on request over NATS (`strata.<net>.status.<id>`, JSON)
 * and, in Prometheus form, over HTTP. `figures` are its actors' `figures()` summed (a
 * node usually runs one actor), e.g. peersAlive for a member or height for a validator.
 */
export interface NodeStatus {
  readonly id: string
  readonly role: string
  readonly network: string
  readonly pid: number
  readonly state: string
  readonly uptimeSeconds: number
  readonly restarts: number
  readonly actors: readonly { readonly id: string; readonly role: string; readonly running: boolean }[]
  readonly figures: Readonly<Record<string, number>>
  readonly counters: Readonly<Record<string, number>>
  /** Other nodes whose heartbeats are current. */
  readonly liveNodes: readonly string[]
  readonly nats: { readonly server: string; readonly reconnects: number }
  readonly bulk: readonly string[]
}

export interface ActorMetrics {
  readonly id: string
  readonly counters: ReadonlyMap<string, number>
  readonly gauges: ReadonlyMap<string, number>
  readonly distributions: Readonly<Record<string, Distribution>>
  readonly figures: Readonly<Record<string, number>>
}

const addInto = (into: Record<string, number>, from: Iterable<readonly [string, number]>): void => {
  for (const [name, value] of from) into[name] = (into[name] ?? 0) + value
}

export const nodeStatus = (
  env: ProcessEnvironment,
  node: { readonly id: string; readonly role: string; readonly network: string },
  extra: { readonly liveNodes: readonly string[]; readonly nats: NodeStatus['nats']; readonly bulk: readonly string[] },
): NodeStatus => {
  const figures: Record<string, number> = {}
  const counters: Record<string, number> = {}
  for (const host of env.hosts) addInto(figures, Object.entries(host.figures()))
  for (const book of env.metricsByActor.values()) addInto(counters, book.counters)
  return {
    ...node,
    pid: process.pid,
    state: env.status,
    uptimeSeconds: Math.round((env.now() - env.startedAt) / 1000) / 1000,
    restarts: env.restarts,
    actors: env.hosts.map((h) => ({ id: h.id, role: h.def.role, running: h.running })),
    figures,
    counters,
    ...extra,
  }
}

/** Per-actor metrics for the Prometheus exposition. */
export const actorMetrics = (env: ProcessEnvironment): ActorMetrics[] =>
  env.hosts.map((host) => {
    const book = env.metrics(host.id)
    const distributions: Record<string, Distribution> = {}
    for (const name of book.distributionNames()) {
      const d = book.distribution(name)
      if (d !== undefined) distributions[name] = d
    }
    return { id: host.id, counters: book.counters, gauges: book.gauges, distributions, figures: host.figures() }
  })
