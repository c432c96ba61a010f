/**
 * What a scenario may name. The scenario format knows no domain: the roles, workloads
 * and checks a scenario can use, and the schemas their parameters must satisfy, are
 * handed in by whoever runs it (the CLI passes the roles and checks strata implements).
 */
import type { Schema } from 'effect'
import type { Problem } from './errors.ts'
import type { NodeSpec } from './types.ts'

export interface VocabularyEntry {
  /** Decodes the YAML parameters; its defaults and transformations shape what the runner receives. */
  readonly params: Schema.Schema<any, any, never>
  /** One line for `strata` help and documentation. */
  readonly describe: string
}

/**
 * A rule that no one role's schema can check: over the parameters of several roles (two
 * roles that must name the same chain), or over a role's params and the nodes the
 * scenario has (a param that names a node). The roles the scenario has, with their
 * decoded params, and its nodes in; what is wrong, at paths into the document, out.
 */
export type CrossRoleRule = (params: ReadonlyMap<string, unknown>, nodes: readonly NodeSpec[]) => readonly Problem[]

export interface ScenarioVocabulary {
  readonly roles: Readonly<Record<string, VocabularyEntry>>
  readonly checks: Readonly<Record<string, VocabularyEntry>>
  readonly workloads: Readonly<Record<string, VocabularyEntry>>
  readonly crossRoleRules?: readonly CrossRoleRule[]
}
