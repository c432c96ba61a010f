import type { Schema } from 'effect'
import type { ActorDef } from '../runtime/actor.ts'
import type { ActorId } from '../runtime/address.ts'
import type { SupervisorSpec } from '../runtime/supervisor.ts'

/** A role a scenario can ask for: its parameters and the actors one node of it runs. */
export interface RoleDefinition<P = any> {
  readonly role: string
  readonly describe: string
  readonly params: Schema.Schema<P, any, never>
  actors(id: ActorId, params: P): readonly { readonly id: ActorId; readonly def: ActorDef }[]
  readonly supervisor?: SupervisorSpec
}

/** A node a workload adds to the network (a client driving load). */
export interface WorkloadNode {
  readonly id: ActorId
  readonly role: string
  readonly params: Readonly<Record<string, unknown>>
  readonly actors: readonly { readonly id: ActorId; readonly def: ActorDef }[]
}

export interface WorkloadDefinition<P = any> {
  readonly type: string
  readonly describe: string
  readonly params: Schema.Schema<P, any, never>
  /** `index` numbers workloads of the same type, so their node ids stay distinct. */
  nodes(params: P, index: number): readonly WorkloadNode[]
}

export const defineRole = <P>(def: RoleDefinition<P>): RoleDefinition<P> => def
export const defineWorkload = <P>(def: WorkloadDefinition<P>): WorkloadDefinition<P> => def
