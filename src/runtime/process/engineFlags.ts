import { setFlagsFromString } from 'node:v8'

/**
 * V8 tuning for strata's workloads, applied by importing this module before any other
 * strata code runs (the CLI and the benchmarks import it first).
 *
 * Allocation-site pretenuring makes V8 allocate a site's objects straight into the old
 * generation once enough of them have survived a scavenge. A simulation's per-event
 * objects (machine contexts, vote sets, XState's action records) live for about one
 * height: some do survive a scavenge, their sites get pretenured, and from then on each
 * of their objects waits for a major collection instead of dying young. Measured on the
 * 4-validator benchmark: scavenges took ~11% of the run with pretenuring, and runs were
 * 10–18% faster without it, whether the flag was given to node or set here (no change on
 * the reference scenario; the membership benchmark's spread hides any).
 */
setFlagsFromString('--no-allocation-site-pretenuring')
