import type { Micros } from '../time.ts'

/**
 * A node's own clock in simulation: it may run fast or slow (drift) and may jump.
 * Readings are local; timers are durations on the node's monotonic clock, so a drifting
 * node's timers fire early or late in global virtual time, while a jump moves readings only.
 */
export class NodeClock {
  private anchorGlobal: Micros = 0
  private anchorLocal: Micros = 0
  private drift = 0

  read(global: Micros): Micros {
    return Math.floor(this.anchorLocal + (global - this.anchorGlobal) * (1 + this.drift))
  }

  setDrift(global: Micros, drift: number): void {
    this.reanchor(global)
    this.drift = drift
  }

  jump(global: Micros, by: Micros): void {
    this.reanchor(global)
    this.anchorLocal += by
  }

  /** Global duration of a local duration (rounded up, so a timer never fires early). */
  toGlobal(local: Micros): Micros {
    return Math.ceil(local / (1 + this.drift))
  }

  private reanchor(global: Micros): void {
    this.anchorLocal = this.read(global)
    this.anchorGlobal = global
  }
}
