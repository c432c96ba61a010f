import { Schema } from 'effect'
import { ValidatorParamsSchema, type ValidatorParams } from '../../../src/actors/validator/params.ts'
import { COMMITTED, type CommittedReport } from '../../../src/checks/consensusReports.ts'
import type { ActorDef } from '../../../src/runtime/actor.ts'
import type { SimNodeSpec } from '../../../src/runtime/sim/simNode.ts'
import type { FaultStep } from '../../../src/scenario/types.ts'
import { nodeOf, simulate } from '../../support/simHarness.ts'

/** Validator params as a scenario would give them (durations as text), with the defaults filled in. */
export const validatorParams = (given: Record<string, unknown> = {}): ValidatorParams =>
  Schema.decodeUnknownSync(ValidatorParamsSchema)({ timeouts: { commit: '100ms' }, ...given })

export const validatorNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `validator-${i}`)

export interface Reported {
  readonly at: number
  readonly actor: string
  readonly event: string
  readonly data: unknown
}

/** Runs one validator per definition (named validator-0, …), and the `others` nodes, and keeps every report. */
export const runValidators = (defs: readonly ActorDef[], options: { duration: number; faults?: readonly FaultStep[]; seed?: number; others?: readonly SimNodeSpec[] }) => {
  const reported: Reported[] = []
  const { sim, recorder } = simulate({
    nodes: [...defs.map((def, i) => nodeOf(`validator-${i}`, def)), ...(options.others ?? [])],
    duration: options.duration,
    faults: options.faults ?? [],
    seed: options.seed ?? 1,
    observers: [{ onReport: (at, actor, event, data) => void reported.push({ at, actor, event, data }) }],
  })
  /** Each validator's committed block ids by height. */
  const commits = new Map<string, Map<number, string>>()
  for (const r of reported) {
    if (r.event !== COMMITTED) continue
    const report = r.data as CommittedReport
    if (!commits.has(r.actor)) commits.set(r.actor, new Map())
    commits.get(r.actor)!.set(report.height, report.blockId)
  }
  const counter = (actor: string, name: string): number => sim.nodes.find((n) => n.spec.id === actor)?.metricsByActor.get(actor)?.counters.get(name) ?? 0
  const figures = (actor: string): Readonly<Record<string, number>> => sim.nodes.find((n) => n.spec.id === actor)!.hosts[0]!.figures()
  return { sim, recorder, reported, commits, counter, figures }
}

/** Every height committed by more than one validator went to the same block; returns the lowest top height. */
export const agreedHeight = (commits: ReadonlyMap<string, ReadonlyMap<number, string>>): number => {
  const byHeight = new Map<number, Set<string>>()
  for (const chain of commits.values()) for (const [height, id] of chain) byHeight.set(height, (byHeight.get(height) ?? new Set()).add(id))
  for (const [height, ids] of byHeight) if (ids.size !== 1) throw new Error(`validators disagree at height ${height}: ${[...ids].join(' ')}`)
  return Math.min(...[...commits.values()].map((chain) => Math.max(0, ...chain.keys())))
}
