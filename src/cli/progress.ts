import { formatDuration, type Micros } from '../runtime/time.ts'

/**
 * A one-line progress indicator on stderr, shown only on a terminal so that logs and
 * pipes stay clean. Redraws at most ten times a second.
 */
export const progressLine = (label: string, enabled: boolean) => {
  let lastDraw = 0
  let drawn = false
  return {
    update(now: Micros, total: Micros): void {
      if (!enabled) return
      const wall = performance.now()
      if (wall - lastDraw < 100) return
      lastDraw = wall
      drawn = true
      const pct = total > 0 ? Math.min(100, Math.floor((now / total) * 100)) : 100
      process.stderr.write(`\r\x1b[K${label}  ${formatDuration(now)} / ${formatDuration(total)}  ${pct}%`)
    },
    done(): void {
      if (drawn) process.stderr.write('\r\x1b[K')
    },
  }
}
