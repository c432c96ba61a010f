import type { ActorId } from '../address.ts'
import { decodeSequenceItem } from '../codec/cborSequence.ts'
import { encodeCanonical } from '../codec/cbor.ts'
import type { Micros } from '../time.ts'

/**
 * A live node's recording: one *segment* per run of the process, a CBOR sequence (RFC 8742)
 * in `<data>/recording/<segment>.cbors`:
 *
 *   SegmentHeader   who, the network file, the run seed, and every actor's store as it was
 *                   when the process started (so a replay starts from the same state)
 *   item*           in the order they happened:
 *     inputs        what drives the node — a turn of one actor
 *       ['start', at, actor]               the supervisor (re)started the actor
 *       ['deliver', at, actor, bytes]      an envelope handed to the actor (the bytes as received)
 *       ['timer', at, actor, name, token]  one of its timers fired
 *       ['stop', at]                       clean shutdown: every actor's onStop
 *     answers       what the node told an actor during a turn, which a replay cannot recompute
 *       ['responders', to, boolean]        hasResponders(to), from NATS presence
 *       ['sign', actor, sha256(message), signature]   the node key's signature
 *     outcomes      what the actor did: what a replay must reproduce
 *       ['sent', actor, channel, bytes]    an envelope, as signed and transmitted
 *       ['report', actor, event, bytes]    a report, its data in canonical CBOR
 *       ['crash', actor, message]          the handler threw
 *
 * Time stands still during a turn (`at` is what the actor's Clock read throughout it),
 * so a replay that feeds the same inputs at the same times with the same answers must
 * produce the same outcomes — any difference is a divergence. The file is appended in
 * item order, so whatever prefix survives a SIGKILL is consistent.
 */

export const SEGMENT_FORMAT = 'strata-live-segment'
export const SEGMENT_FORMAT_VERSION = 1

export interface SegmentHeader {
  readonly format: typeof SEGMENT_FORMAT
  readonly formatVersion: typeof SEGMENT_FORMAT_VERSION
  readonly network: string
  readonly node: string
  /** 1 for the node's first run, then one more per restart of the process. */
  readonly segment: number
  readonly runSeed: number
  readonly codeVersion: string
  readonly startedAt: Micros
  /** The network file, verbatim: a replay rebuilds every node's plan from it. */
  readonly networkFile: { readonly path: string; readonly text: string }
  /** Each actor's store at start, as [key, value] pairs in key order. */
  readonly stores: Readonly<Record<ActorId, readonly (readonly [string, Uint8Array])[]>>
}

export type InputItem =
  | readonly ['start', Micros, ActorId]
  | readonly ['deliver', Micros, ActorId, Uint8Array]
  | readonly ['timer', Micros, ActorId, string, number]
  | readonly ['stop', Micros]

export type AnswerItem = readonly ['responders', string, boolean] | readonly ['sign', ActorId, Uint8Array, Uint8Array]

export type OutcomeItem =
  | readonly ['sent', ActorId, 'message' | 'bulk', Uint8Array]
  | readonly ['report', ActorId, string, Uint8Array]
  | readonly ['crash', ActorId, string]

export type RecordedItem = InputItem | AnswerItem | OutcomeItem

const INPUT_TAGS: ReadonlySet<string> = new Set(['start', 'deliver', 'timer', 'stop'])

export const isInput = (item: RecordedItem): item is InputItem => INPUT_TAGS.has(item[0])

/**
 * One item of a recording or live trace, in RFC 8949 core deterministic encoding. With
 * strata's own encoder, which writes what cborg's `encode(item, rfc8949EncodeOptions)`
 * writes (its tests check it byte for byte) at about twice the speed: a recording node
 * encodes some twenty items a height, the reports among them maps.
 */
export const encodeItem = (item: object): Uint8Array => encodeCanonical(item)

/**
 * A report's data as bytes that compare equal exactly when the data does. Reports are
 * plain data; one CBOR cannot express (an `undefined` field) is kept as its JSON text,
 * the same way live and in replay.
 */
export const reportBytes = (data: unknown): Uint8Array => {
  try {
    return encodeCanonical(data)
  } catch {
    return encodeCanonical(JSON.stringify(data) ?? 'undefined')
  }
}

export interface DecodedSequence {
  readonly items: readonly unknown[]
  /** Bytes taken by complete items: a file cut mid-item ends there. */
  readonly completeBytes: number
  /** Why decoding stopped before the end, if it did: a cut (`truncated`) or damage. */
  readonly stopped?: 'truncated' | 'corrupt'
}

/** Decodes a CBOR sequence item by item, keeping the complete prefix of a cut or damaged file. */
export const decodeSequence = (bytes: Uint8Array): DecodedSequence => {
  const items: unknown[] = []
  let offset = 0
  while (offset < bytes.length) {
    const item = decodeSequenceItem(bytes, offset)
    if (!('value' in item)) return { items, completeBytes: offset, stopped: 'truncated' in item ? 'truncated' : 'corrupt' }
    items.push(item.value)
    offset = item.next
  }
  return { items, completeBytes: offset }
}

export const isSegmentHeader = (value: unknown): value is SegmentHeader =>
  typeof value === 'object' && value !== null && (value as { format?: unknown }).format === SEGMENT_FORMAT

/** Checks an item's tag and arity, enough for a replay to trust its fields' positions. */
export const isRecordedItem = (value: unknown): value is RecordedItem => {
  if (!Array.isArray(value) || typeof value[0] !== 'string') return false
  const arity: Record<string, number> = { start: 3, deliver: 4, timer: 5, stop: 2, responders: 3, sign: 4, sent: 4, report: 4, crash: 3 }
  return arity[value[0]] === value.length
}
