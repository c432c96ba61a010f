/**
 * Whole-network properties run a pinned sample so CI is repeatable; explore new samples
 * with STRATA_PROPERTY_SEED=<n> (a failure prints its seed and the shrunk scenario).
 */
export const PROPERTY_SEED = Number(process.env['STRATA_PROPERTY_SEED'] ?? 20261121)
