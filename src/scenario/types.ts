/**
 * A scenario after loading: validated, defaults applied, every time in microseconds,
 * node ids expanded. The simulator and the CLI consume only this shape; the YAML
 * surface it comes from is described in docs/scenario-format.md.
 */
import type { ActorId } from '../runtime/address.ts'
import type { Micros } from '../runtime/time.ts'

export interface Scenario {
  readonly name: string
  readonly description?: string
  /** The file it came from and its verbatim text, so a trace can carry the exact scenario it ran. */
  readonly path: string
  readonly text: string
  /** Non-negative integer below 2^32; default 1. */
  readonly seed: number
  readonly duration: Micros
  readonly network: NetworkModel
  /** One per instance, ids `${role}-${i}`, in file order of roles then index. */
  readonly nodes: readonly NodeSpec[]
  /** `params` were decoded by the vocabulary's schema, so its defaults are applied. */
  readonly roles: readonly RoleSpec[]
  readonly workloads: readonly TypedSpec[]
  /** Sorted by `at`; steps at the same time keep their file order. */
  readonly faults: readonly FaultStep[]
  readonly checks: readonly TypedSpec[]
}

export interface NodeSpec {
  readonly id: ActorId
  readonly role: string
  readonly params: unknown
}

export interface RoleSpec {
  readonly role: string
  readonly count: number
  readonly params: unknown
}

/** A workload or a check: `type` names a vocabulary entry whose schema decoded `params`. */
export interface TypedSpec {
  readonly type: string
  readonly params: unknown
}

export type LatencyModel =
  | { readonly dist: 'constant'; readonly value: Micros }
  | { readonly dist: 'uniform'; readonly min: Micros; readonly max: Micros }
  | { readonly dist: 'exponential'; readonly mean: Micros; readonly min: Micros }

/** '*', an actor id, or 'role:<role>'. */
export type LinkSelector = string

export interface LinkRule {
  readonly from: LinkSelector
  readonly to: LinkSelector
  readonly latency?: LatencyModel
  readonly loss?: number
  readonly duplicate?: number
  /** Bytes per second. */
  readonly bandwidth?: number
}

export type MailboxOverflow = 'drop-newest' | 'drop-oldest'

export interface NetworkModel {
  readonly latency: LatencyModel
  readonly loss: number
  readonly duplicate: number
  /** With `probability`, a message gets an extra delay drawn uniformly from [0, delay]. */
  readonly reorder: { readonly probability: number; readonly delay: Micros }
  /** Bytes per second per link. */
  readonly bandwidth: number
  /** Later rules override earlier ones. */
  readonly links: readonly LinkRule[]
  readonly mailbox: { readonly capacity: number; readonly overflow: MailboxOverflow }
  readonly maxMessageBytes: number
}

/** The part of the network model a `network` fault may change for a while. */
export type NetworkChange = Partial<Pick<NetworkModel, 'latency' | 'loss' | 'duplicate' | 'reorder'>>

export type PartitionShape =
  | { readonly shape: 'isolate'; readonly node: ActorId }
  /** The simulator splits the nodes into `parts` groups drawn from the seed. */
  | { readonly shape: 'split'; readonly parts: number }
  /** Nodes not listed form one more group. */
  | { readonly shape: 'groups'; readonly groups: readonly (readonly ActorId[])[] }

export type NodeFaultType = 'crash' | 'restart' | 'pause' | 'resume'

export type FaultAction =
  | { readonly type: NodeFaultType; readonly node: ActorId }
  /** oneWay: only messages from earlier groups to later groups are blocked. */
  | { readonly type: 'partition'; readonly partition: PartitionShape; readonly oneWay: boolean }
  | { readonly type: 'heal' }
  /** drift: a fraction (1e-3 = 1 ms per s fast, negative = slow); jump: a signed step. */
  | { readonly type: 'clock'; readonly node: ActorId; readonly drift?: number; readonly jump?: Micros }
  | {
      readonly type: 'storage'
      readonly node: ActorId
      readonly corruptReads?: number
      readonly loseUnsyncedOnCrash?: boolean
    }
  | { readonly type: 'network'; readonly change: NetworkChange }

export interface FaultStep {
  readonly at: Micros
  /** The simulator reverts the action after this long. */
  readonly for?: Micros
  readonly action: FaultAction
  /** 1-based line of the step in the scenario file, so reports can point at it. */
  readonly line: number
}
