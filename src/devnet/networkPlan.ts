import { Data, Either, ParseResult, Schema } from 'effect'
import type { RoleDefinition } from '../catalog/definitions.ts'
import type { NetworkFile } from '../runtime/process/networkFile.ts'
import { NetworkPlan, type NodePlan } from '../runtime/process/nodePlan.ts'
import { defaultSupervisorSpec, type SupervisorSpec } from '../runtime/supervisor.ts'

/**
 * Turns a network file into what the runtime runs: each node's role resolved in the
 * catalog, its parameters decoded by the role's schema (the same one a scenario uses),
 * its actors built. Every process does this for the whole network, so that it knows where
 * each actor lives and every message kind.
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

export const resolveNetwork = (network: NetworkFile, roles: Readonly<Record<string, RoleDefinition>>): Either.Either<ResolvedNetwork, NetworkPlanError> => {
  const plans: NodePlan[] = []
  const supervisors = new Map<string, SupervisorSpec>()
  for (const [index, node] of network.nodes.entries()) {
    const role = roles[node.role]
    if (role === undefined) {
      return Either.left(
        new NetworkPlanError({ path: network.path, detail: `nodes[${index}] (${node.id}): unknown role "${node.role}"`, hint: `this build knows: ${Object.keys(roles).sort().join(', ')} (see \`strata describe\`)` }),
      )
    }
    const params = Schema.decodeUnknownEither(role.params)(node.params, { onExcessProperty: 'error' })
    if (Either.isLeft(params)) {
      const first = ParseResult.ArrayFormatter.formatErrorSync(params.left)[0]
      const field = first === undefined || first.path.length === 0 ? '' : `.${first.path.join('.')}`
      return Either.left(
        new NetworkPlanError({ path: network.path, detail: `nodes[${index}] (${node.id}) params${field}: ${first?.message ?? 'invalid'}`, hint: 'the parameters are those of the role in a scenario (docs/scenario-format.md)' }),
      )
    }
    plans.push({
      id: node.id,
      role: node.role,
      params: (params.right ?? {}) as Record<string, unknown>,
      publicKey: new Uint8Array(Buffer.from(node.publicKey, 'hex')),
      actors: role.actors(node.id, params.right),
    })
    supervisors.set(node.id, role.supervisor ?? defaultSupervisorSpec)
  }
  try {
    const plan = new NetworkPlan(plans)
    return Either.right({ plan, supervisorOf: (id) => supervisors.get(id) ?? defaultSupervisorSpec })
  } catch (error) {
    return Either.left(new NetworkPlanError({ path: network.path, detail: (error as Error).message, hint: 'give every node a distinct id' }))
  }
}
