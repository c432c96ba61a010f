import crypto from 'node:crypto'
let t = 0, ops = 0
const os = crypto.sign, ov = crypto.verify
;(crypto as any).sign = (...a: any[]) => { const s = performance.now(); const r = (os as any)(...a); t += performance.now() - s; ops++; return r }
;(crypto as any).verify = (...a: any[]) => { const s = performance.now(); const r = (ov as any)(...a); t += performance.now() - s; ops++; return r }
;(await import('node:module')).syncBuiltinESMExports()
const { catalog } = await import('/work/main/src/catalog/index.ts')
const { runScenario } = await import('/work/main/src/scenario/run.ts')
const { TraceRecorder } = await import('/work/main/src/runtime/trace/recorder.ts')
const { scenarioFrom } = await import('/work/main/test/support/scenarioRun.ts')
const n = Number(process.argv[2] ?? 4), secs = Number(process.argv[3] ?? 10)
const sc = (d: number) => scenarioFrom([`name: p`, `duration: ${d}s`, 'network:\n  latency: { dist: uniform, min: 1ms, max: 5ms }',
  `roles:\n  validator:\n    count: ${n}\n    params: { timeouts: { commit: 0ms } }`,
  `workloads:\n  - { type: tx-load, rate: 200 }`, 'checks:\n  - { type: consensus.agreement }'].join('\n'))
const s = sc(secs)
runScenario(s, catalog, { seed: s.seed + 1, trace: new TraceRecorder(), wallClock: () => performance.now() })
t = 0; ops = 0
const r = runScenario(s, catalog, { seed: s.seed + 2, trace: new TraceRecorder(), wallClock: () => performance.now() })
const h = r.roles.find((x: any) => x.role === 'validator')!.figures['height']!.max
console.log(n, 'heights', h, 'wall ms/h', (r.wallSeconds * 1000 / h).toFixed(3), 'crypto ms/h', (t / h).toFixed(3), 'ops/h', (ops / h).toFixed(1))
