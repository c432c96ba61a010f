import type { Micros } from '../time.ts'

/** Node's setTimeout takes at most 2^31 − 1 ms (~24.8 days); a longer delay would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * Real timers, keyed: arming a key that is already armed replaces it (as the runtime's
 * named timers do), so a replaced timer costs nothing once replaced. Delays are measured
 * by Node's monotonic timer clock, so a wall-clock step moves `now()` but not timers.
 */
export class WallTimers {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>()

  after(key: string, delay: Micros, fire: () => void): void {
    this.cancel(key)
    this.arm(key, Math.max(0, delay) / 1000, fire)
  }

  cancel(key: string): void {
    const handle = this.pending.get(key)
    if (handle === undefined) return
    clearTimeout(handle)
    this.pending.delete(key)
  }

  clear(): void {
    for (const handle of this.pending.values()) clearTimeout(handle)
    this.pending.clear()
  }

  private arm(key: string, remainingMs: number, fire: () => void): void {
    const step = Math.min(remainingMs, MAX_TIMEOUT_MS)
    const handle = setTimeout(() => {
      if (remainingMs > step) return this.arm(key, remainingMs - step, fire)
      this.pending.delete(key)
      fire()
    }, step)
    this.pending.set(key, handle)
  }
}
