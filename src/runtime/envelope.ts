import type { ActorId, Destination } from './address.ts'
import type { Micros } from './time.ts'

export const ENVELOPE_VERSION = 1

/**
 * The one shape every message has on the wire (and in simulation: every envelope is
 * encoded and decoded there too, so a message that cannot be serialized fails in tests).
 *
 * `id` is deterministic (`<from>#<sequence>`), which lets JetStream de-duplicate by it
 * and lets a replay line recorded deliveries up with simulated ones.
 * `re` is set on a reply and names the request's id.
 * `at` is the sender's clock reading when it sent (its own, possibly drifting, clock).
 * `sig` is ed25519 over the canonical bytes of the envelope without `sig`.
 */
export interface Envelope<Body = unknown> {
  readonly v: number
  readonly id: string
  readonly from: ActorId
  readonly to: Destination
  readonly kind: string
  readonly at: Micros
  readonly body: Body
  readonly re?: string
  readonly sig?: Uint8Array
}
