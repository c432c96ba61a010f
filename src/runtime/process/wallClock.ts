import type { Micros } from '../time.ts'

/**
 * Process mode's clock: wall-clock microseconds since the Unix epoch. `performance`
 * gives sub-millisecond resolution, and since its origin is fixed at process start the
 * readings never go backwards within a process (an NTP step shows up on restart only).
 */
export const wallMicros = (): Micros => Math.round((performance.timeOrigin + performance.now()) * 1000)
