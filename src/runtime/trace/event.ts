import type { Micros } from '../time.ts'

/**
 * One step of a run, as the simulator (or a live node's recorder) saw it.
 * `seq` orders events that share a virtual time. `digest` identifies the envelope bytes
 * (or, for a timer, its name and data) without storing them.
 *
 * type:
 *   deliver  an envelope was handed to `to` (from = sender)
 *   timer    a timer named `kind` fired at `to` (from = to)
 *   fault    the fault schedule acted (kind = what, to = target or "*")
 *   drop     an envelope was dropped before delivery (kind = envelope kind; reason in `note`)
 */
export interface TraceEvent {
  readonly at: Micros
  readonly seq: number
  readonly type: 'deliver' | 'timer' | 'fault' | 'drop'
  readonly from: string
  readonly to: string
  readonly kind: string
  readonly digest: string
  readonly note?: string
}

/** The first record of a trace file: enough to re-run it. */
export interface TraceHeader {
  readonly format: 'strata-trace'
  readonly formatVersion: 1
  /** The scenario's YAML text, verbatim, and the file it came from. */
  readonly scenario: { readonly path: string; readonly text: string }
  readonly seed: number
  /** Duration override given on the command line, if any (µs). */
  readonly duration?: Micros
  readonly codeVersion: string
  /** Always "simulation": a run of live processes is exported as a live trace instead (src/runtime/live/liveTraceFile.ts). */
  readonly origin: 'simulation'
}

/** The last record of a trace file. */
export interface TraceFooter {
  readonly format: 'strata-trace-end'
  readonly events: number
  readonly traceHash: string
}
