import type { NetworkPlan } from '../process/nodePlan.ts'
import { EventQueue } from '../sim/eventQueue.ts'
import type { Micros } from '../time.ts'
import { isInput, type RecordedItem, type SegmentHeader } from './recording.ts'
import { ReplayNode, type Divergence, type ReplayedReport, type SegmentFigures } from './replayNode.ts'

export interface LiveSegment {
  readonly header: SegmentHeader
  readonly items: readonly RecordedItem[]
  /** The process stopped cleanly (the segment holds its `stop`); otherwise it was cut short. */
  readonly complete: boolean
}

export interface LiveReplayResult {
  readonly segments: readonly SegmentFigures[]
  /** Every report the actors made, in replay order: the same as live up to any divergence. */
  readonly reports: readonly ReplayedReport[]
  readonly turns: number
  readonly divergence?: Divergence
}

interface Due {
  readonly at: Micros
  readonly seq: number
  readonly node: ReplayNode
}

/**
 * Replays a live network's recording through the simulator's event queue: each segment
 * (one run of one node's process) becomes a node whose inputs are its recorded turns,
 * and the queue interleaves all of them by their recorded instants — the network is the
 * recording instead of a model drawn from a seed. Stops at the first divergence, which
 * is then the earliest one.
 */
export const replayLive = (segments: readonly LiveSegment[], plan: NetworkPlan, onProgress?: (replayed: Micros, span: Micros) => void): LiveReplayResult => {
  const reports: ReplayedReport[] = []
  const nodes = segments.map((s) => new ReplayNode(s.header, s.items, s.complete, plan, (report) => reports.push(report)))
  const queue = new EventQueue<Due>()
  let seq = 0
  const schedule = (node: ReplayNode): void => {
    const at = node.nextAt()
    if (at !== undefined) queue.push({ at, seq: seq++, node })
  }
  nodes.forEach(schedule)
  const first = queue.peek()?.at ?? 0
  const last = Math.max(first, ...segments.map((s) => s.items.findLast(isInput)?.[1] ?? first))
  let turns = 0
  let divergence: Divergence | undefined
  for (let due = queue.pop(); due !== undefined; due = queue.pop()) {
    due.node.step()
    turns++
    if (onProgress !== undefined && turns % 1_000 === 0) onProgress(due.at - first, last - first)
    divergence = due.node.divergence
    if (divergence !== undefined) break
    schedule(due.node)
  }
  return { segments: nodes.map((n) => n.figures()), reports, turns, ...(divergence === undefined ? {} : { divergence }) }
}
