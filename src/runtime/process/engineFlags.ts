import { setFlagsFromString } from 'node:v8'

/**
 * V8 tuning for strata's workloads, applied by importing this module before any other
 * strata code runs (the CLI and the benchmarks import it first).
 *
 * Allocation-site pretenuring makes V8 allocate a site's objects straight into the old
 * generation once enough of them have survived a scavenge. A simulation's per-event
 * objects (machine contexts, vote sets, XState's action records) live for about one
 * height: some do survive a scavenge, their sites get pretenured, and from then on each
 * of their objects waits for a major collection instead of dying young. With it, scavenges
 * took ~11% of a 4-validator run. Without it (interleaved runs of the validators
 * benchmark's scenarios, median CPU per height): 7% less at 4 validators, 8% at 16, 8.5%
 * at 64; the same whether the flag is given to node or set here.
 */
setFlagsFromString('--no-allocation-site-pretenuring')
