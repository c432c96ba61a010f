/**
 * What a protocol machine receives from the actor hosting it. Every event carries `now`
 * (the node's clock, µs) so that a machine never reads a clock itself.
 *
 * - A delivered message becomes an event whose `type` is the message kind
 *   (e.g. "membership.ping"), with the sender and the decoded, schema-checked body.
 * - A fired timer becomes `{ type: "timer", name, data }`.
 * - Protocols may define further events of their own (e.g. "start", client commands).
 */
export interface MessageEvent<Kind extends string = string, Body = unknown> {
  readonly type: Kind
  readonly now: number
  readonly from: string
  readonly id: string
  readonly re?: string
  readonly body: Body
}

export interface TimerEvent<Name extends string = string> {
  readonly type: 'timer'
  readonly now: number
  readonly name: Name
  readonly data?: unknown
}
