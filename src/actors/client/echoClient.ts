import { Effect } from 'effect'
import { ECHO_REQUEST, echoKinds } from '../../protocols/echo/messages.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { toRole } from '../../runtime/address.ts'
import type { Micros } from '../../runtime/time.ts'
import { actorToolkit } from '../common/toolkit.ts'

export interface EchoClientParams {
  /** Requests per second. */
  readonly rate: number
  readonly timeout: Micros
  /** The role whose any live member answers. */
  readonly target: string
}

const TICK = 'echo.tick'

/**
 * A workload client: sends echo requests to any live actor of a role at a fixed rate and
 * records what came back. Each outcome is reported, so a check can judge availability.
 */
export const echoClient = (params: EchoClientParams): ActorDef => ({
  role: 'client',
  kinds: echoKinds,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const interval = Math.max(1, Math.round(1_000_000 / params.rate))
    const figures = { requests: 0, replies: 0, timeouts: 0, noResponders: 0 }
    let n = 0
    tk.timers.set(TICK, interval)
    return {
      onMessage: () => {},
      onTimer: () => {
        tk.timers.set(TICK, interval)
        const sentAt = tk.clock.now()
        figures.requests++
        tk.transport.request(toRole(params.target), ECHO_REQUEST, { n: n++ }, params.timeout, (outcome) => {
          if (outcome.ok) {
            figures.replies++
            tk.metrics.observe('echo.latency', tk.clock.now() - sentAt)
          } else if (outcome.error === 'timeout') figures.timeouts++
          else figures.noResponders++
          tk.reports.report('echo.outcome', { ok: outcome.ok })
        })
      },
      figures: () => figures,
    }
  }),
})
