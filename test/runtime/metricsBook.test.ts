import { describe, expect, it } from 'vitest'
import { MetricsBook, summarize } from '../../src/runtime/metricsBook.ts'

describe('MetricsBook distributions', () => {
  it('without a window, keeps every observation: the distribution is exact', () => {
    const book = new MetricsBook()
    const values = [5, 3, 9, 1, 7, 2, 8]
    for (const v of values) book.observe('latency', v)
    expect(book.observations('latency')).toHaveLength(values.length)
    expect(book.distribution('latency')).toEqual(summarize(values))
  })

  it('with a window, takes quantiles over the latest observations and count, mean, min, max over all', () => {
    const book = new MetricsBook(4)
    for (let v = 1; v <= 10; v++) book.observe('latency', v)
    expect([...book.observations('latency')].sort((a, b) => a - b)).toEqual([7, 8, 9, 10])
    expect(book.distribution('latency')).toEqual({ count: 10, mean: 5.5, min: 1, max: 10, p50: 9, p99: 10 })
  })

  it('keeps no more than the window however many observations arrive', () => {
    const book = new MetricsBook(100)
    for (let i = 0; i < 100_000; i++) book.observe('block-interval', i % 1000)
    expect(book.observations('block-interval')).toHaveLength(100)
    expect(book.distribution('block-interval')?.count).toBe(100_000)
  })

  it('has no distribution for a name never observed, and refuses an empty window', () => {
    expect(new MetricsBook(8).distribution('nothing')).toBeUndefined()
    expect(() => new MetricsBook(0)).toThrow(RangeError)
  })
})
