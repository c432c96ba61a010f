import '/work/main/src/runtime/process/engineFlags.ts'
import { catalog } from '/work/main/src/catalog/index.ts'
import { runScenario } from '/work/main/src/scenario/run.ts'
import { TraceRecorder } from '/work/main/src/runtime/trace/recorder.ts'
import { scenarioFrom } from '/work/main/test/support/scenarioRun.ts'
const n = Number(process.argv[2] ?? 64), seconds = Number(process.argv[3] ?? 0.5)
const sc = (s: number) => scenarioFrom([
  `name: p`, `duration: ${s}s`, 'network:\n  latency: { dist: uniform, min: 1ms, max: 5ms }',
  `roles:\n  validator:\n    count: ${n}\n    params: { timeouts: { commit: 0ms } }`,
  `workloads:\n  - { type: tx-load, rate: 200 }`, 'checks:\n  - { type: consensus.agreement }'].join('\n'))
const s = sc(seconds)
if (process.env.NOWARM === undefined) runScenario(sc(0.5), catalog, { seed: s.seed + 1, trace: new TraceRecorder(), wallClock: () => performance.now() })
const c0 = process.cpuUsage()
const r = runScenario(s, catalog, { trace: new TraceRecorder(), wallClock: () => performance.now() })
const v = r.roles.find((x) => x.role === 'validator')!
const cu = process.cpuUsage(c0); const h = v.figures["height"]!.max; console.log(n, "heights", h, "wall", r.wallSeconds.toFixed(2), "cpu ms/height", ((cu.user + cu.system) / 1000 / h).toFixed(3))
