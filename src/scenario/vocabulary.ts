/**
 * What a scenario may name. The scenario format knows no domain: the roles, workloads
 * and checks a scenario can use, and the schemas their parameters must satisfy, are
 * handed in by whoever runs it (the CLI passes the roles and checks strata implements).
 */
import type { Schema } from 'effect'

export interface VocabularyEntry {
  /** Decodes the YAML parameters; its defaults and transformations shape what the runner receives. */
  readonly params: Schema.Schema<any, any, never>
  /** One line for `strata` help and documentation. */
  readonly describe: string
}

export interface ScenarioVocabulary {
  readonly roles: Readonly<Record<string, VocabularyEntry>>
  readonly checks: Readonly<Record<string, VocabularyEntry>>
  readonly workloads: Readonly<Record<string, VocabularyEntry>>
}
