import type { CheckDefinition } from '../checks/check.ts'
import { echoAnswered } from '../checks/echo.ts'
import { converged, crashDetected, noFalseSuspicion } from '../checks/membership.ts'
import { agreement, equivocationPunished, liveness, noDoubleSign, powerAtHeightPlusTwo, validity } from '../checks/consensus.ts'
import type { ScenarioVocabulary } from '../scenario/vocabulary.ts'
import type { RoleDefinition, WorkloadDefinition } from './definitions.ts'
import { crossRoleRules } from './crossRoleRules.ts'
import { roles } from './roles.ts'
import { workloads } from './workloads.ts'

/** Everything a scenario can name: roles, workloads and checks that strata implements. */
export interface Catalog {
  readonly roles: Readonly<Record<string, RoleDefinition>>
  readonly workloads: Readonly<Record<string, WorkloadDefinition>>
  readonly checks: Readonly<Record<string, CheckDefinition>>
}

const checks: Readonly<Record<string, CheckDefinition>> = Object.fromEntries(
  [crashDetected, noFalseSuspicion, converged, echoAnswered, agreement, validity, noDoubleSign, liveness, equivocationPunished, powerAtHeightPlusTwo].map((c) => [c.type, c as CheckDefinition]),
)

export const catalog: Catalog = { roles, workloads, checks }

/** What the scenario loader validates against. */
export const vocabularyOf = (c: Catalog): ScenarioVocabulary => ({
  crossRoleRules,
  roles: Object.fromEntries(Object.values(c.roles).map((r) => [r.role, { params: r.params, describe: r.describe }])),
  workloads: Object.fromEntries(Object.values(c.workloads).map((w) => [w.type, { params: w.params, describe: w.describe }])),
  checks: Object.fromEntries(Object.values(c.checks).map((k) => [k.type, { params: k.params, describe: k.describe }])),
})

/** The catalog's vocabulary, built once: the loader caches its compiled schema per vocabulary object. */
export const scenarioVocabulary: ScenarioVocabulary = vocabularyOf(catalog)
