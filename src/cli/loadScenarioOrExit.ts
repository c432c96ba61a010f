import { Either } from 'effect'
import { scenarioVocabulary } from '../catalog/index.ts'
import { loadScenario, parseScenario } from '../scenario/load.ts'
import type { Scenario } from '../scenario/types.ts'
import { EXIT_BAD_INPUT } from './exitCodes.ts'
import { fail } from './fail.ts'

/** Loads a scenario file (or a scenario text carried by a trace); a bad one ends the command with exit code 2. */
export const loadScenarioOrExit = (source: { path: string; text?: string }): Scenario => {
  const vocabulary = scenarioVocabulary
  const result = source.text === undefined ? loadScenario(source.path, vocabulary) : parseScenario(source.text, source.path, vocabulary)
  if (Either.isLeft(result)) return fail(result.left.message, EXIT_BAD_INPUT, 'fix the scenario, or see docs/scenario-format.md for the format')
  return result.right
}
