import type { TraceEvent, TraceFooter } from './event.ts'
import type { TraceFileWriter } from './file.ts'
import { TraceHash } from './traceHash.ts'

export interface TraceRecorderOptions {
  /** Keep every event in memory, to compare this run with another event by event. */
  readonly keepEvents?: boolean
  /** Stream every event to this (already opened) trace file. */
  readonly writer?: TraceFileWriter
}

/**
 * Where the simulator (or a live node) reports each event of a run, in order; the
 * reporter assigns `seq`. Always keeps the trace hash and the count, which is all a
 * plain run needs; keeping or streaming the events is opt-in because a long run has
 * millions of them.
 */
export class TraceRecorder {
  private readonly rolling = new TraceHash()
  private readonly kept: TraceEvent[] | undefined
  private recorded = 0

  constructor(private readonly options: TraceRecorderOptions = {}) {
    this.kept = options.keepEvents === true ? [] : undefined
  }

  record(ev: TraceEvent): void {
    this.rolling.add(ev)
    this.recorded++
    this.kept?.push(ev)
    this.options.writer?.write(ev)
  }

  /** The trace hash of the events so far; recording can continue afterwards. */
  hash(): string {
    return this.rolling.value()
  }

  count(): number {
    return this.recorded
  }

  /** The events so far. Throws unless built with `keepEvents`: an empty list would pass for a run with no events. */
  events(): readonly TraceEvent[] {
    if (this.kept === undefined) throw new Error('TraceRecorder was built without keepEvents, so it has no events to give')
    return this.kept
  }

  footer(): TraceFooter {
    return { format: 'strata-trace-end', events: this.recorded, traceHash: this.hash() }
  }

  /** Ends the streamed trace file, if any, with this run's footer. */
  close(): void {
    this.options.writer?.close(this.footer())
  }
}
