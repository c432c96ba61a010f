import type { Schema } from 'effect'
import type { Scenario } from '../scenario/types.ts'
import type { SimObserver } from '../runtime/sim/simulation.ts'

export interface CheckResult {
  readonly type: string
  readonly passed: boolean
  /** One line: what held, or what broke and where. */
  readonly summary: string
  /** Further lines for a failure (first offenders, times). */
  readonly details?: readonly string[]
}

/** A check watches a run through the simulator's observer callbacks and judges it at the end. */
export interface Checker extends SimObserver {
  result(): CheckResult
}

/**
 * What a check may know of the run besides what it observes: its nodes (role, params).
 * Nothing about the network model or timing, so the same checks judge a live recording.
 */
export type CheckScope = Pick<Scenario, 'nodes'>

export interface CheckDefinition<P = any> {
  readonly type: string
  readonly describe: string
  readonly params: Schema.Schema<P, any, never>
  create(params: P, scope: CheckScope): Checker
}

export const defineCheck = <P>(def: CheckDefinition<P>): CheckDefinition<P> => def
