import type { ActorDef } from '../actor.ts'
import type { ActorId } from '../address.ts'
import { KindRegistry } from '../kinds.ts'
import type { DirectoryEntry, DirectoryService } from '../services.ts'
import { directoryOf } from '../directory.ts'

/**
 * One node of the network as a process sees it: who it is, its key, and the actors it
 * runs. Every process builds the plans of all nodes from the network file, so that it
 * knows where each actor lives, whose key signs its envelopes, and every message kind.
 */
export interface NodePlan {
  readonly id: string
  readonly role: string
  readonly params: Readonly<Record<string, unknown>>
  readonly publicKey: Uint8Array
  readonly actors: readonly { readonly id: ActorId; readonly def: ActorDef }[]
}

/** Where every actor of the network lives, in network-file order. */
export class NetworkPlan {
  readonly directory: DirectoryService
  readonly registry = new KindRegistry()
  private readonly nodeOfActor = new Map<ActorId, NodePlan>()
  private readonly byId = new Map<string, NodePlan>()
  private readonly nodesByRole = new Map<string, NodePlan[]>()

  constructor(readonly nodes: readonly NodePlan[]) {
    const entries: DirectoryEntry[] = []
    for (const node of nodes) {
      this.byId.set(node.id, node)
      for (const actor of node.actors) {
        if (this.nodeOfActor.has(actor.id)) throw new Error(`actor ${actor.id} is placed on two nodes`)
        this.nodeOfActor.set(actor.id, node)
        this.registry.register(actor.def.kinds)
        entries.push({ id: actor.id, role: actor.def.role, params: actor.def.params })
        let hosts = this.nodesByRole.get(actor.def.role)
        if (hosts === undefined) this.nodesByRole.set(actor.def.role, (hosts = []))
        if (!hosts.includes(node)) hosts.push(node)
      }
    }
    this.directory = directoryOf(entries)
  }

  node(id: string): NodePlan | undefined {
    return this.byId.get(id)
  }

  /** The node that runs this actor. */
  nodeOf(actor: ActorId): NodePlan | undefined {
    return this.nodeOfActor.get(actor)
  }

  /** Nodes that run an actor of this role. */
  nodesWithRole(role: string): readonly NodePlan[] {
    return this.nodesByRole.get(role) ?? []
  }
}
