import type { Micros } from '../runtime/time.ts'
import type { NodeStatus } from '../runtime/sim/simNode.ts'
import type { AppliedFault, SimObserver } from '../runtime/sim/simulation.ts'

/**
 * What happened to each node and to the network, as checks need to know it: when a node
 * was up, and whether anything (crash, pause, clock fault, partition, degraded network)
 * could excuse a protocol for doubting it.
 */
export class NodeHistory implements SimObserver {
  private readonly status = new Map<string, { at: Micros; status: NodeStatus }[]>()
  private readonly touched = new Map<string, Micros>()
  private networkFaultAt: Micros | undefined
  private lastFault: Micros | undefined

  onStatus(at: Micros, node: string, status: NodeStatus): void {
    let list = this.status.get(node)
    if (list === undefined) this.status.set(node, (list = []))
    list.push({ at, status })
    if (status !== 'up' && !this.touched.has(node)) this.touched.set(node, at)
  }

  onFault(at: Micros, fault: AppliedFault): void {
    this.lastFault = at
    const action = fault.action
    if (action.type === 'partition' || action.type === 'network' || action.type === 'heal' || action.type === 'restore-network') {
      this.networkFaultAt ??= at
      return
    }
    if (!this.touched.has(action.node)) this.touched.set(action.node, at)
  }

  statusAt(node: string, at: Micros): NodeStatus {
    let current: NodeStatus = 'up'
    for (const entry of this.status.get(node) ?? []) {
      if (entry.at > at) break
      current = entry.status
    }
    return current
  }

  /** Up (not paused, not crashed) for the whole closed interval. */
  upThroughout(node: string, from: Micros, to: Micros): boolean {
    if (this.statusAt(node, from) !== 'up') return false
    return (this.status.get(node) ?? []).every((e) => e.at <= from || e.at > to || e.status === 'up')
  }

  /** When a fault first touched the node, or undefined if none ever did. */
  firstTouched(node: string): Micros | undefined {
    return this.touched.get(node)
  }

  /** When a partition or network fault first happened, if ever. */
  get firstNetworkFault(): Micros | undefined {
    return this.networkFaultAt
  }

  get lastFaultAt(): Micros | undefined {
    return this.lastFault
  }
}
