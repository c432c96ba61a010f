import { Schema } from 'effect'

/**
 * Echo: the smallest request/reply protocol. Every node that embeds it answers, so a
 * workload can exercise request/reply, timeouts and "any live actor of role R".
 */
export const ECHO_REQUEST = 'echo.request'
export const ECHO_REPLY = 'echo.reply'

export const EchoBody = Schema.Struct({ n: Schema.NonNegativeInt })

export const echoKinds = { [ECHO_REQUEST]: EchoBody, [ECHO_REPLY]: EchoBody }
