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
 * Counters, gauges and distributions of one actor. Cheap to update (a map lookup);
 * summarised only when a run ends or a status is asked for.
 */
export class MetricsBook implements MetricsService {
  readonly counters = new Map<string, number>()
  readonly gauges = new Map<string, number>()
  private readonly samples = new Map<string, number[]>()

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by)
  }

  gauge(name: string, value: number): void {
    this.gauges.set(name, value)
  }

  observe(name: string, value: number): void {
    let list = this.samples.get(name)
    if (list === undefined) this.samples.set(name, (list = []))
    list.push(value)
  }

  observations(name: string): readonly number[] {
    return this.samples.get(name) ?? []
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
