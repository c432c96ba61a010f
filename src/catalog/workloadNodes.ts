import type { TypedSpec } from '../scenario/types.ts'
import type { WorkloadDefinition, WorkloadNode } from './definitions.ts'

export interface PlacedWorkloadNode {
  readonly type: string
  /** Numbers the workloads of one type in scenario order, so their node ids stay distinct. */
  readonly index: number
  /** The workload's parameters, decoded. */
  readonly params: unknown
  readonly node: WorkloadNode
}

/**
 * The nodes a scenario's workloads add, in scenario order: what the simulator runs and
 * what `strata devnet init` writes into a network file (which records `type` and
 * `index`, so a process rebuilds exactly this node).
 */
export const workloadNodes = (workloads: readonly TypedSpec[], definitions: Readonly<Record<string, WorkloadDefinition>>): PlacedWorkloadNode[] => {
  const perType = new Map<string, number>()
  return workloads.flatMap((spec) => {
    const def = definitions[spec.type]
    if (def === undefined) throw new Error(`unknown workload ${spec.type}`)
    const index = perType.get(spec.type) ?? 0
    perType.set(spec.type, index + 1)
    return def.nodes(spec.params, index).map((node) => ({ type: spec.type, index, params: spec.params, node }))
  })
}
