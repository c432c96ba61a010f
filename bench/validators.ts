import { randomBytes } from 'node:crypto'
import { catalog } from '../src/catalog/index.ts'
import { encodeCanonical } from '../src/runtime/codec/cbor.ts'
import { signingKeyFromSeed, verifySignature } from '../src/runtime/crypto/ed25519.ts'
import { runScenario } from '../src/scenario/run.ts'
import { TraceRecorder } from '../src/runtime/trace/recorder.ts'
import { scenarioFrom } from '../test/support/scenarioRun.ts'

/**
 * Validators in simulation with `timeout_commit` 0: heights and committed transactions
 * per wall second, and time compression, for 4, 16 and 64 validators. Baseline, measured
 * in the same run: the signature work of one height alone — its 2n+1 signatures (a
 * proposal, n prevotes, n precommits) made and each verified once, with node:crypto.
 * (Each distinct signature is verified once per process: see verificationMemo.ts.)
 */
const scenarioFor = (validators: number, seconds: number, rate: number) =>
  scenarioFrom(
    [
      `name: bench-validators-${validators}`,
      `duration: ${seconds}s`,
      'network:\n  latency: { dist: uniform, min: 1ms, max: 5ms }',
      `roles:\n  validator:\n    count: ${validators}\n    params: { timeouts: { commit: 0ms } }`,
      `workloads:\n  - { type: tx-load, rate: ${rate} }`,
      'checks:\n  - { type: consensus.agreement }',
    ].join('\n'),
  )

/** Wall time (ms) of one height's signature work for n validators. */
const signatureWork = (n: number): number => {
  const keys = Array.from({ length: n }, () => signingKeyFromSeed(randomBytes(32)))
  const documents = Array.from({ length: 2 * n + 1 }, (_, i) => encodeCanonical({ chainId: 'bench', type: 'prevote', height: 7, round: 0, blockId: `block-${i}`, timestamp: i }))
  const rounds = 20
  const start = performance.now()
  for (let r = 0; r < rounds; r++) {
    documents.forEach((doc, i) => {
      const key = keys[i % n]!
      const sig = key.sign(doc)
      if (!verifySignature(key.publicKey, doc, sig)) throw new Error('signature did not verify')
    })
  }
  return (performance.now() - start) / rounds
}

/**
 * Runs per size: a run lasts seconds on a machine whose speed drifts by ±10%, so a size's
 * figures are those of its median run (by wall time per height), with the range of
 * heights per second beside them.
 */
const MEASURED_RUNS = 3

export const validatorsBenchmark = () => {
  const results: Record<string, unknown> = {}
  for (const [n, seconds] of [[4, 10], [16, 3], [64, 0.5]] as const) {
    const scenario = scenarioFor(n, seconds, 200)
    // Warm-up: one whole run, so that the JIT has optimised the hot paths before measuring
    // (after a short one the first measured run was ~10% slower than the next). On another
    // seed: answers the process shares between validators (verified signatures, decoded
    // blocks, application states) must not carry over into the measured runs.
    runScenario(scenario, catalog, { seed: scenario.seed + 1, trace: new TraceRecorder(), wallClock: () => performance.now() })
    // The baseline is measured before and after the runs and the lower kept: a collection or
    // a slow spell of the machine during one measurement must not flatter the ratio.
    const sigBefore = signatureWork(n)
    // Each run on its own seed, for the same reason as the warm-up: a run on a seed already
    // run would find its signatures verified and its blocks decoded.
    const runs = Array.from({ length: MEASURED_RUNS }, (_, i) => {
      const report = runScenario(scenario, catalog, { seed: scenario.seed + 2 + i, trace: new TraceRecorder(), wallClock: () => performance.now() })
      const validator = report.roles.find((r) => r.role === 'validator')!
      const heights = validator.figures['height']!.max
      return { report, heights, txs: validator.figures['txs']!.max, msPerHeight: (report.wallSeconds * 1000) / heights }
    })
    const sigMs = Math.min(sigBefore, signatureWork(n))
    const byCost = [...runs].sort((a, b) => a.msPerHeight - b.msPerHeight)
    const median = byCost[Math.floor(MEASURED_RUNS / 2)]!
    const { report, heights, txs, msPerHeight } = median
    const rate = (run: (typeof runs)[number]) => Math.round(run.heights / run.report.wallSeconds)
    results[`validators${n}`] = {
      heights,
      measuredRuns: MEASURED_RUNS,
      heightsPerWallSecond: rate(median),
      heightsPerWallSecondRange: `${rate(byCost.at(-1)!)} – ${rate(byCost[0]!)}`,
      committedTxsPerWallSecond: Math.round(txs / report.wallSeconds),
      timeCompression: Number(report.timeCompression.toFixed(2)),
      wallMsPerHeight: Number(msPerHeight.toFixed(3)),
      signatureWorkMsPerHeight: Number(sigMs.toFixed(3)),
      heightCostOverSignatureWork: Number((msPerHeight / sigMs).toFixed(2)),
      agreement: runs.every((run) => run.report.passed),
    }
  }
  return results
}
