/** SWIM membership and failure detection: see machine.ts for the protocol, params.ts for its guarantees. */
export {
  membershipCounts,
  membershipMachine,
  membershipView,
  PERIOD_TIMER,
  PING_TIMEOUT_TIMER,
  STATUS_REPORT,
  SUSPICION_TIMER_PREFIX,
} from './machine.ts'
export type { MembershipContext, MembershipEvent, MembershipInput } from './machine.ts'
export { ACK, membershipKinds, PING, PING_REQ, AckBody, MemberUpdateSchema, PingBody, PingReqBody } from './messages.ts'
export {
  crashConfirmationBound,
  crashDetectionBound,
  defaultMembershipParams,
  MembershipParamsSchema,
  membershipParamsFrom,
  membershipParamsProblem,
} from './params.ts'
export type { MembershipParams } from './params.ts'
export type { MemberState, MemberStatus, MemberUpdate } from './view.ts'
