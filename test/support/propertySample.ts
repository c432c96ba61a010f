import fc from 'fast-check'

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
const networkRuns = (ciRuns: number): number => {
  const asked = process.env['STRATA_PROPERTY_RUNS']
  if (asked === undefined) return ciRuns
  const runs = Number(asked)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`STRATA_PROPERTY_RUNS must be a whole number ≥ 1, not "${asked}"`)
  return runs
}

/**
 * fc.assert for a property of whole simulated networks, `ciRuns` of them in CI. It yields
 * to the event loop between networks: a soak of hundreds would otherwise hold the test
 * worker for minutes, and vitest fails the run ("Timeout calling onTaskUpdate").
 */
export const assertNetworks = <T>(arbitrary: fc.Arbitrary<T>, holds: (value: T) => void, ciRuns: number): Promise<void> =>
  fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await new Promise<void>((resolve) => setImmediate(resolve))
      holds(value)
    }),
    { numRuns: networkRuns(ciRuns), seed: PROPERTY_SEED },
  )
