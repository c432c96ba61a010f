import { Either } from 'effect'
import { catalog } from '../catalog/index.ts'
import { runScenario, type RunReport } from '../scenario/run.ts'
import type { Scenario } from '../scenario/types.ts'
import type { TraceHeader } from '../runtime/trace/event.ts'
import { TraceFileWriter } from '../runtime/trace/file.ts'
import { TraceRecorder } from '../runtime/trace/recorder.ts'
import type { Micros } from '../runtime/time.ts'
import { codeVersion } from './codeVersion.ts'
import { EXIT_BAD_INPUT } from './exitCodes.ts'
import { fail } from './fail.ts'
import { progressLine } from './progress.ts'

export interface RunOnceOptions {
  readonly seed: number
  readonly duration?: Micros
  readonly traceFile?: string
  readonly keepEvents: boolean
  readonly progress: boolean
  readonly label: string
}

export interface RunOnceResult {
  readonly report: RunReport
  readonly recorder: TraceRecorder
}

/** One simulated run of a scenario, with its trace recorded (and written, if asked). */
export const runOnce = (scenario: Scenario, options: RunOnceOptions): RunOnceResult => {
  const header: TraceHeader = {
    format: 'strata-trace',
    formatVersion: 1,
    scenario: { path: scenario.path, text: scenario.text },
    seed: options.seed,
    ...(options.duration === undefined ? {} : { duration: options.duration }),
    codeVersion: codeVersion(),
    origin: 'simulation',
  }
  let writer: TraceFileWriter | undefined
  if (options.traceFile !== undefined) {
    const opened = TraceFileWriter.open(options.traceFile, header)
    if (Either.isLeft(opened)) return fail(opened.left.message, EXIT_BAD_INPUT, 'choose a --trace path in a writable directory')
    writer = opened.right
  }
  const recorder = new TraceRecorder({ keepEvents: options.keepEvents, ...(writer === undefined ? {} : { writer }) })
  const progress = progressLine(options.label, options.progress)
  const report = runScenario(scenario, catalog, {
    seed: options.seed,
    ...(options.duration === undefined ? {} : { duration: options.duration }),
    trace: recorder,
    onProgress: (now, total) => progress.update(now, total),
    wallClock: () => performance.now(),
  })
  progress.done()
  recorder.close()
  return { report, recorder }
}
