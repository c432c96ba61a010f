import { Schema } from 'effect'

/**
 * Wire messages of the membership protocol. Every message carries the sender's own
 * incarnation (first-hand proof that it is alive at that incarnation, which is how a
 * member declared dead during a partition is seen alive again) and a few piggybacked
 * updates about other members.
 */
export const MemberStatusSchema = Schema.Literal('alive', 'suspect', 'dead')

export const MemberUpdateSchema = Schema.Struct({
  member: Schema.String,
  status: MemberStatusSchema,
  incarnation: Schema.NonNegativeInt,
})

/** Far above any sane `maxPiggyback`: bounds the work a malformed or hostile message can cause. */
const MAX_UPDATES_PER_MESSAGE = 64

const Piggyback = Schema.Array(MemberUpdateSchema).pipe(Schema.maxItems(MAX_UPDATES_PER_MESSAGE))

/** "Are you alive?" — direct probe, or a helper's probe on behalf of a ping-req. */
export const PingBody = Schema.Struct({
  seq: Schema.NonNegativeInt,
  incarnation: Schema.NonNegativeInt,
  updates: Piggyback,
})

/** Answer to a ping, echoing its `seq`; also what a helper forwards to the ping-req's sender. */
export const AckBody = PingBody

/** "Please probe `target` for me" — sent to k helpers when a direct probe timed out. */
export const PingReqBody = Schema.Struct({
  seq: Schema.NonNegativeInt,
  incarnation: Schema.NonNegativeInt,
  target: Schema.String,
  updates: Piggyback,
})

export type PingBody = typeof PingBody.Type
export type AckBody = typeof AckBody.Type
export type PingReqBody = typeof PingReqBody.Type

export const PING = 'membership.ping'
export const ACK = 'membership.ack'
export const PING_REQ = 'membership.ping-req'

export const membershipKinds: Record<string, Schema.Schema<any, any, never>> = {
  [PING]: PingBody,
  [ACK]: AckBody,
  [PING_REQ]: PingReqBody,
}
