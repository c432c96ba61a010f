import { Data, Either, ParseResult, Schema } from 'effect'
import type { Catalog } from '../catalog/index.ts'
import type { NetworkFile, NetworkNode } from '../runtime/process/networkFile.ts'
import { NetworkPlan, type NodePlan } from '../runtime/process/nodePlan.ts'
import { defaultSupervisorSpec, type SupervisorSpec } from '../runtime/supervisor.ts'

/**
 * Turns a network file into what the runtime runs: each node's role (or workload) resolved
 * in the catalog, its parameters decoded by the same schema a scenario uses, its actors
 * built. Every process does this for the whole network, so that it knows where each actor
 * lives and every message kind.
 */
export class NetworkPlanError extends Data.TaggedError('NetworkPlanError')<{ readonly path: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

export interface ResolvedNetwork {
  readonly plan: NetworkPlan
  readonly supervisorOf: (node: string) => SupervisorSpec
}

export const resolveNetwork = (network: NetworkFile, catalog: Pick<Catalog, 'roles' | 'workloads'>): Either.Either<ResolvedNetwork, NetworkPlanError> => {
  const plans: NodePlan[] = []
  const supervisors = new Map<string, SupervisorSpec>()
  for (const [index, node] of network.nodes.entries()) {
    const resolved = node.workload === undefined ? roleNode(node, catalog) : workloadNode(node, node.workload, catalog)
    if (Either.isLeft(resolved)) {
      const { detail, hint } = resolved.left
      return Either.left(new NetworkPlanError({ path: network.path, detail: `nodes[${index}] (${node.id})${detail}`, hint }))
    }
    plans.push({ ...resolved.right.plan, publicKey: new Uint8Array(Buffer.from(node.publicKey, 'hex')) })
    supervisors.set(node.id, resolved.right.supervisor)
  }
  try {
    const plan = new NetworkPlan(plans)
    return Either.right({ plan, supervisorOf: (id) => supervisors.get(id) ?? defaultSupervisorSpec })
  } catch (error) {
    return Either.left(new NetworkPlanError({ path: network.path, detail: (error as Error).message, hint: 'give every node a distinct id' }))
  }
}

type Resolved = Either.Either<{ readonly plan: Omit<NodePlan, 'publicKey'>; readonly supervisor: SupervisorSpec }, { readonly detail: string; readonly hint: string }>

const decodeParams = <P>(schema: Schema.Schema<P, any, never>, raw: unknown, hint: string): Either.Either<P, { readonly detail: string; readonly hint: string }> =>
  Schema.decodeUnknownEither(schema)(raw, { onExcessProperty: 'error' }).pipe(
    Either.mapLeft((error) => {
      const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const field = first === undefined || first.path.length === 0 ? '' : `.${first.path.join('.')}`
      return { detail: ` params${field}: ${first?.message ?? 'invalid'}`, hint }
    }),
  )

const roleNode = (node: NetworkNode, catalog: Pick<Catalog, 'roles'>): Resolved => {
  const role = catalog.roles[node.role]
  if (role === undefined) return Either.left({ detail: `: unknown role "${node.role}"`, hint: `this build knows: ${Object.keys(catalog.roles).sort().join(', ')} (see \`strata describe\`)` })
  return decodeParams(role.params, node.params, 'the parameters are those of the role in a scenario (docs/scenario-format.md)').pipe(
    Either.map((params) => ({
      plan: { id: node.id, role: node.role, params: (params ?? {}) as Record<string, unknown>, actors: role.actors(node.id, params) },
      supervisor: role.supervisor ?? defaultSupervisorSpec,
    })),
  )
}

const workloadNode = (node: NetworkNode, workload: { readonly type: string; readonly index: number }, catalog: Pick<Catalog, 'workloads'>): Resolved => {
  const def = catalog.workloads[workload.type]
  if (def === undefined) return Either.left({ detail: `: unknown workload "${workload.type}"`, hint: `this build knows: ${Object.keys(catalog.workloads).sort().join(', ')} (see \`strata describe\`)` })
  return decodeParams(def.params, node.params, 'the parameters are those of the workload in a scenario (docs/scenario-format.md)').pipe(
    Either.flatMap((params) => {
      const made = def.nodes(params, workload.index).find((n) => n.id === node.id)
      if (made === undefined) return Either.left({ detail: `: workload ${workload.type} #${workload.index} makes no node "${node.id}"`, hint: 'write the node ids `strata devnet init` chose for the workload' })
      return Either.right({ plan: { id: made.id, role: made.role, params: made.params, actors: made.actors }, supervisor: defaultSupervisorSpec })
    }),
  )
}
