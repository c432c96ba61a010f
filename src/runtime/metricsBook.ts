import type { MetricsService } from './services.ts'

export interface Distribution {
  readonly count: number
  readonly min: number
  readonly max: number
  readonly mean: number
  readonly p50: number
  readonly p99: number
}

/**
 * One distribution's observations: every one of them counted (count, sum, min, max), the
 * latest `window` of them kept for quantiles, in a ring.
 */
class Observations {
  readonly kept: number[] = []
  private next = 0
  count = 0
  sum = 0
  min = Infinity
  max = -Infinity

  constructor(private readonly window: number) {}

  add(value: number): void {
    this.count += 1
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
    if (this.kept.length < this.window) this.kept.push(value)
    else {
      this.kept[this.next] = value
      this.next = (this.next + 1) % this.window
    }
  }
}

/**
 * Counters, gauges and distributions of one actor. Cheap to update (a map lookup);
 * summarised only when a run ends or a status is asked for.
 *
 * A simulation keeps every observation (its summary is exact over the run). A long-lived
 * process passes a `window`: quantiles then describe the latest `window` observations,
 * as a Prometheus summary's do, while count, mean, min and max still cover all of them,
 * and memory and the cost of a status request stay bounded however long it runs.
 */
export class MetricsBook implements MetricsService {
  readonly counters = new Map<string, number>()
  readonly gauges = new Map<string, number>()
  private readonly samples = new Map<string, Observations>()

  constructor(private readonly window = Infinity) {
    if (!(window >= 1)) throw new RangeError(`a metrics window holds at least one observation, got ${window}`)
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by)
  }

  gauge(name: string, value: number): void {
    this.gauges.set(name, value)
  }

  observe(name: string, value: number): void {
    let observations = this.samples.get(name)
    if (observations === undefined) this.samples.set(name, (observations = new Observations(this.window)))
    observations.add(value)
  }

  /** The observations kept (all of them without a window), in no particular order. */
  observations(name: string): readonly number[] {
    return this.samples.get(name)?.kept ?? []
  }

  /** Quantiles over the observations kept; count, mean, min and max over all. */
  distribution(name: string): Distribution | undefined {
    const observations = this.samples.get(name)
    if (observations === undefined) return undefined
    const kept = summarize(observations.kept)
    return kept === undefined ? undefined : { ...kept, count: observations.count, mean: observations.sum / observations.count, min: observations.min, max: observations.max }
  }

  distributionNames(): string[] {
    return [...this.samples.keys()].sort()
  }
}

export const summarize = (values: readonly number[]): Distribution | undefined => {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  const sum = sorted.reduce((a, b) => a + b, 0)
  return { count: sorted.length, min: sorted[0]!, max: sorted[sorted.length - 1]!, mean: sum / sorted.length, p50: at(0.5), p99: at(0.99) }
}
