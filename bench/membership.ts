import { Either } from 'effect'
import { catalog, scenarioVocabulary } from '../src/catalog/index.ts'
import { loadScenario } from '../src/scenario/load.ts'
import { runScenario } from '../src/scenario/run.ts'
import { EventQueue } from '../src/runtime/sim/eventQueue.ts'
import { TraceRecorder } from '../src/runtime/trace/recorder.ts'

/**
 * The runtime's benchmark: a 50-node membership network with the codec, the schema
 * check and XState in the path of every envelope. Its baseline, measured in the same
 * run, is the bare event loop: the same number of events through the same queue with
 * nothing behind them — what the simulator would cost if messages were free.
 */
export const membershipBenchmark = () => {
  const loaded = loadScenario(new URL('../scenarios/bench-membership.yaml', import.meta.url).pathname, scenarioVocabulary)
  if (Either.isLeft(loaded)) throw new Error(loaded.left.message)
  const scenario = loaded.right
  // Warm-up: let the JIT see the hot paths before measuring.
  runScenario(scenario, catalog, { duration: 20_000_000, trace: new TraceRecorder(), wallClock: () => performance.now() })
  const recorder = new TraceRecorder()
  const report = runScenario(scenario, catalog, { trace: recorder, wallClock: () => performance.now() })
  if (!report.passed) throw new Error(`benchmark scenario failed its checks: ${report.checks.map((c) => c.summary).join('; ')}`)
  const bare = bareLoop(report.events)
  return {
    nodes: scenario.nodes.length,
    simulatedSeconds: report.duration / 1e6,
    wallSeconds: report.wallSeconds,
    events: report.events,
    envelopesDelivered: report.envelopesDelivered,
    envelopesPerSecond: Math.round(report.envelopesPerSecond),
    timeCompression: Math.round(report.timeCompression),
    bareLoopEventsPerSecond: Math.round(bare),
    ratioToBareLoop: report.events / report.wallSeconds / bare,
    traceHash: recorder.hash(),
  }
}

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
