/**
 * Property tests run a pinned sample so CI is repeatable; explore new samples with
 * STRATA_PROPERTY_SEED=<n> (a failure prints its seed and the shrunk scenario).
 */
export const PROPERTY_SEED = Number(process.env['STRATA_PROPERTY_SEED'] ?? 20261121)

/**
 * How many networks a whole-network property simulates: `ciRuns` in CI (each is tens of
 * simulated seconds), or STRATA_PROPERTY_RUNS=<n> to soak — e.g. overnight, with a new
 * seed per batch.
 */
export const networkRuns = (ciRuns: number): number => {
  const asked = process.env['STRATA_PROPERTY_RUNS']
  if (asked === undefined) return ciRuns
  const runs = Number(asked)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`STRATA_PROPERTY_RUNS must be a whole number ≥ 1, not "${asked}"`)
  return runs
}
