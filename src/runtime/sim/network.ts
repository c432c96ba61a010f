import type { LatencyModel, LinkRule, NetworkModel } from '../../scenario/types.ts'
import type { RandomService } from '../services.ts'
import type { Micros } from '../time.ts'
import { drawLatency } from './latency.ts'

/** What the model says about one link after applying the scenario's link rules. */
interface LinkProfile {
  readonly latency: LatencyModel
  readonly loss: number
  readonly duplicate: number
  readonly bandwidth: number
}

export type Channel = 'message' | 'bulk'

export type Fate =
  | { readonly delivered: true; readonly arrivals: readonly Micros[] }
  | { readonly delivered: false; readonly reason: 'partition' | 'loss' }

/**
 * The simulated network between nodes: latency, loss, duplication, reordering, link
 * capacity and partitions, every draw from the run's seeded random source. Links are
 * per ordered pair of nodes and per channel; a link sends one message at a time at its
 * bandwidth, so large payloads queue behind each other as on a real wire.
 */
/** One direction of one link: its resolved profile and when each channel's wire is free. */
interface Link {
  readonly profile: LinkProfile
  messageBusyUntil: Micros
  bulkBusyUntil: Micros
}

export class NetworkSimulator {
  private model: NetworkModel
  /** from → to → link; nested maps avoid building a string key on every send. */
  private links = new Map<string, Map<string, Link>>()
  /** Group index per node while a partition is active. */
  private groups: ReadonlyMap<string, number> | undefined
  private oneWay = false

  constructor(
    model: NetworkModel,
    private readonly roleOf: (node: string) => string,
    private readonly random: RandomService,
  ) {
    this.model = model
  }

  get current(): NetworkModel {
    return this.model
  }

  /** Replaces global knobs (a `network` fault); link rules stay. */
  reconfigure(model: NetworkModel): void {
    this.model = model
    // Profiles change; wires stay busy with what they were already sending.
    const previous = this.links
    this.links = new Map()
    for (const [from, row] of previous) {
      for (const [to, link] of row) {
        const fresh = this.link(from, to)
        fresh.messageBusyUntil = link.messageBusyUntil
        fresh.bulkBusyUntil = link.bulkBusyUntil
      }
    }
  }

  partition(groups: readonly (readonly string[])[], oneWay: boolean): void {
    const byNode = new Map<string, number>()
    groups.forEach((group, index) => group.forEach((node) => byNode.set(node, index)))
    this.groups = byNode
    this.oneWay = oneWay
  }

  heal(): void {
    this.groups = undefined
  }

  /** Whether a partition stops messages from `from` to `to` right now. */
  blocked(from: string, to: string): boolean {
    if (this.groups === undefined || from === to) return false
    const a = this.groups.get(from)
    const b = this.groups.get(to)
    if (a === undefined || b === undefined || a === b) return false
    return this.oneWay ? a < b : true
  }

  /**
   * Decides what happens to a message of `size` bytes sent now: lost, or delivered once
   * or twice (duplication) at the returned arrival times.
   */
  send(from: string, to: string, size: number, channel: Channel, now: Micros): Fate {
    if (this.blocked(from, to)) return { delivered: false, reason: 'partition' }
    const link = this.link(from, to)
    const profile = link.profile
    if (profile.loss > 0 && this.random.next() < profile.loss) return { delivered: false, reason: 'loss' }
    const departure = this.transmit(link, channel, size, now)
    const first = departure + this.delay(profile)
    if (profile.duplicate > 0 && this.random.next() < profile.duplicate) {
      return { delivered: true, arrivals: [first, departure + this.delay(profile)] }
    }
    return { delivered: true, arrivals: [first] }
  }

  private delay(link: LinkProfile): Micros {
    const { reorder } = this.model
    const extra = reorder.probability > 0 && this.random.next() < reorder.probability ? Math.round(this.random.next() * reorder.delay) : 0
    return drawLatency(link.latency, this.random) + extra
  }

  /** Serializes the message onto the link's wire for its channel; returns when its last byte has left. */
  private transmit(link: Link, channel: Channel, size: number, now: Micros): Micros {
    const wireTime = Math.ceil((size * 1_000_000) / link.profile.bandwidth)
    if (channel === 'bulk') {
      link.bulkBusyUntil = Math.max(now, link.bulkBusyUntil) + wireTime
      return link.bulkBusyUntil
    }
    link.messageBusyUntil = Math.max(now, link.messageBusyUntil) + wireTime
    return link.messageBusyUntil
  }

  private link(from: string, to: string): Link {
    let row = this.links.get(from)
    if (row === undefined) this.links.set(from, (row = new Map()))
    let link = row.get(to)
    if (link === undefined) row.set(to, (link = { profile: this.resolve(from, to), messageBusyUntil: 0, bulkBusyUntil: 0 }))
    return link
  }

  private resolve(from: string, to: string): LinkProfile {
    const model = this.model
    let profile: LinkProfile = { latency: model.latency, loss: model.loss, duplicate: model.duplicate, bandwidth: model.bandwidth }
    for (const rule of model.links) {
      if (this.matches(rule.from, from) && this.matches(rule.to, to)) profile = applyRule(profile, rule)
    }
    return profile
  }

  private matches(selector: string, node: string): boolean {
    if (selector === '*') return true
    if (selector.startsWith('role:')) return this.roleOf(node) === selector.slice(5)
    return selector === node
  }
}

const applyRule = (profile: LinkProfile, rule: LinkRule): LinkProfile => ({
  latency: rule.latency ?? profile.latency,
  loss: rule.loss ?? profile.loss,
  duplicate: rule.duplicate ?? profile.duplicate,
  bandwidth: rule.bandwidth ?? profile.bandwidth,
})
