import { Either } from 'effect'
import { catalog, scenarioVocabulary } from '../src/catalog/index.ts'
import { loadScenario } from '../src/scenario/load.ts'
import { runScenario } from '../src/scenario/run.ts'
import { EventQueue } from '../src/runtime/sim/eventQueue.ts'
import { TraceRecorder } from '../src/runtime/trace/recorder.ts'

/**
 * The runtime's benchmark: a 50-node membership network with the codec, the schema
 * check and the membership protocol in the path of every envelope. Its baseline, measured in the same
 * run, is the bare event loop: the same number of events through the same queue with
 * nothing behind them — what the simulator would cost if messages were free.
 */
export const membershipBenchmark = () => {
  const loaded = loadScenario(new URL('../scenarios/bench-membership.yaml', import.meta.url).pathname, scenarioVocabulary)
  if (Either.isLeft(loaded)) throw new Error(loaded.left.message)
  const scenario = loaded.right
  // Warm-up: one whole run, so that the JIT has optimised the hot paths before measuring
  // (a shorter one left the measured run optimising for half its wall time).
  runScenario(scenario, catalog, { trace: new TraceRecorder(), wallClock: () => performance.now() })
  // A run lasts a fraction of a second, so one is at the mercy of whatever else the
  // machine does: the figures are the median of MEASURED_RUNS runs, with their range.
  const runs = Array.from({ length: MEASURED_RUNS }, () => {
    const recorder = new TraceRecorder()
    const report = runScenario(scenario, catalog, { trace: recorder, wallClock: () => performance.now() })
    if (!report.passed) throw new Error(`benchmark scenario failed its checks: ${report.checks.map((c) => c.summary).join('; ')}`)
    return { report, hash: recorder.hash(), bare: bareLoop(report.events) }
  })
  const byRate = [...runs].sort((a, b) => a.report.envelopesPerSecond - b.report.envelopesPerSecond)
  const { report, hash } = byRate[Math.floor(MEASURED_RUNS / 2)]!
  const bare = median(runs.map((r) => r.bare))
  if (new Set(runs.map((r) => r.hash)).size !== 1) throw new Error('the same scenario and seed gave different trace hashes')
  return {
    nodes: scenario.nodes.length,
    simulatedSeconds: report.duration / 1e6,
    measuredRuns: MEASURED_RUNS,
    wallSeconds: report.wallSeconds,
    events: report.events,
    envelopesDelivered: report.envelopesDelivered,
    envelopesPerSecond: Math.round(report.envelopesPerSecond),
    envelopesPerSecondRange: `${Math.round(byRate[0]!.report.envelopesPerSecond)} – ${Math.round(byRate.at(-1)!.report.envelopesPerSecond)}`,
    timeCompression: Math.round(report.timeCompression),
    bareLoopEventsPerSecond: Math.round(bare),
    ratioToBareLoop: report.events / report.wallSeconds / bare,
    traceHash: hash,
  }
}

const MEASURED_RUNS = 5

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Events per second through the simulator's queue with an empty handler. */
const bareLoop = (events: number): number => {
  const queue = new EventQueue<{ at: number; seq: number }>()
  let seq = 0
  let sink = 0
  const start = performance.now()
  for (let i = 0; i < 1024; i++) queue.push({ at: i * 10, seq: seq++ })
  for (let i = 0; i < events; i++) {
    const ev = queue.pop()!
    sink += ev.at
    queue.push({ at: ev.at + 1000 + (i % 97), seq: seq++ })
  }
  const seconds = (performance.now() - start) / 1000
  if (sink < 0) throw new Error('unreachable')
  return events / seconds
}
