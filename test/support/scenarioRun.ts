import { Either } from 'effect'
import { catalog, scenarioVocabulary } from '../../src/catalog/index.ts'
import { parseScenario } from '../../src/scenario/load.ts'
import { runScenario } from '../../src/scenario/run.ts'
import type { Scenario } from '../../src/scenario/types.ts'
import type { ScenarioVocabulary } from '../../src/scenario/vocabulary.ts'
import { TraceRecorder } from '../../src/runtime/trace/recorder.ts'

export const scenarioFrom = (yaml: string, vocabulary: ScenarioVocabulary = scenarioVocabulary): Scenario => {
  const parsed = parseScenario(yaml, 'test.yaml', vocabulary)
  if (Either.isLeft(parsed)) throw new Error(`test scenario does not parse: ${parsed.left.message}\n${yaml}`)
  return parsed.right
}

/** Runs a scenario text through the same path as `strata sim`. */
export const runYaml = (yaml: string, options: { seed?: number; keepEvents?: boolean; vocabulary?: ScenarioVocabulary } = {}) => {
  const scenario = scenarioFrom(yaml, options.vocabulary)
  const recorder = new TraceRecorder({ keepEvents: options.keepEvents ?? false })
  const report = runScenario(scenario, catalog, { ...(options.seed === undefined ? {} : { seed: options.seed }), trace: recorder, wallClock: () => 0 })
  return { report, recorder, hash: recorder.hash() }
}

export const check = (report: ReturnType<typeof runYaml>['report'], type: string) => {
  const found = report.checks.find((c) => c.type === type)
  if (found === undefined) throw new Error(`no check ${type} in the report`)
  return found
}
