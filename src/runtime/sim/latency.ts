import type { LatencyModel } from '../../scenario/types.ts'
import type { RandomService } from '../services.ts'
import type { Micros } from '../time.ts'

/** One draw of a one-way delay from a latency model. */
export const drawLatency = (model: LatencyModel, random: RandomService): Micros => {
  switch (model.dist) {
    case 'constant':
      return model.value
    case 'uniform':
      return model.min + Math.round(random.next() * (model.max - model.min))
    case 'exponential':
      // 1 - next() is in (0, 1], so the log is finite.
      return model.min + Math.round(-Math.log(1 - random.next()) * model.mean)
  }
}

/** The largest delay a model can produce (Infinity for unbounded models). */
export const maxLatency = (model: LatencyModel): number => {
  switch (model.dist) {
    case 'constant':
      return model.value
    case 'uniform':
      return model.max
    case 'exponential':
      return Infinity
  }
}
