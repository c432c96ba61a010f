/**
 * What a scenario may name. The scenario format knows no domain: the roles, workloads
 * and checks a scenario can use, and the schemas their parameters must satisfy, are
 * handed in by whoever runs it (the CLI passes the roles and checks strata implements).
 */
import type { Schema } from 'effect'
import type { Problem } from './errors.ts'

export interface VocabularyEntry {
  /** Decodes the YAML parameters; its defaults and transformations shape what the runner receives. */
  readonly params: Schema.Schema<any, any, never>
  /** One line for `strata` help and documentation. */
  readonly describe: string
}

/**
 * A rule over the parameters of several roles that no one role's schema can check (two
 * roles that must name the same chain): the roles the scenario has, with their decoded
 * params, in; what is wrong, at paths into the document, out.
 */
export type CrossRoleRule = (params: ReadonlyMap<string, unknown>) => readonly Problem[]

export interface ScenarioVocabulary {
  readonly roles: Readonly<Record<string, VocabularyEntry>>
  readonly checks: Readonly<Record<string, VocabularyEntry>>
  readonly workloads: Readonly<Record<string, VocabularyEntry>>
  readonly crossRoleRules?: readonly CrossRoleRule[]
}
