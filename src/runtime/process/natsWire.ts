import type { NatsConnection } from '@nats-io/transport-node'
import type { Wire } from './processEnvironment.ts'

/**
 * The environment's Wire over a NATS connection. A subscription error (the server refused
 * it: a permissions violation) and a throw from a handler are reported, never raised: they
 * happen inside the client's read loop, where an exception would take the node down.
 */
export const natsWire = (nc: NatsConnection, onError: (subject: string, error: Error) => void): Wire => ({
  publish: (subject, bytes) => nc.publish(subject, bytes),
  subscribe: (subject, queue, onMessage) => {
    const subscription = nc.subscribe(subject, {
      ...(queue === undefined ? {} : { queue }),
      callback: (error, msg) => {
        if (error !== null) return onError(subject, error)
        try {
          onMessage(msg.data)
        } catch (thrown) {
          onError(subject, thrown instanceof Error ? thrown : new Error(String(thrown)))
        }
      },
    })
    return {
      unsubscribe: () => {
        // Unsubscribing on a closed connection has nothing left to undo.
        if (!nc.isClosed()) subscription.unsubscribe()
      },
    }
  },
})
