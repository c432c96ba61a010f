import { Effect } from 'effect'
import { ECHO_REPLY, ECHO_REQUEST, echoKinds } from '../../protocols/echo/messages.ts'
import { membershipKinds, type MembershipParams } from '../../protocols/membership/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { isMembershipKind, startMembership } from '../common/membership.ts'
import { actorToolkit } from '../common/toolkit.ts'

/**
 * The plainest role: it runs membership and answers echo requests. It is what the
 * runtime's own scenarios and benchmarks run, and the template the other roles follow.
 */
export const memberActor = (params: MembershipParams): ActorDef => ({
  role: 'member',
  kinds: { ...membershipKinds, ...echoKinds },
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const membership = startMembership(tk, params)
    return {
      onMessage: (envelope) => {
        if (envelope.kind === ECHO_REQUEST) tk.transport.reply(envelope, ECHO_REPLY, envelope.body)
        else if (isMembershipKind(envelope.kind)) membership.deliver(envelope)
      },
      onTimer: (name, data) => membership.timer(name, data),
      figures: membership.figures,
    }
  }),
})
