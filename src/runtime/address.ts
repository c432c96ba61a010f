/**
 * Where an envelope goes. One string on the wire, so it hashes and routes cheaply:
 *   "<actorId>"        one actor
 *   "topic:<name>"     every subscriber of a topic
 *   "role:<role>"      any one live actor of a role (a NATS queue group in process mode)
 * Actor ids never contain ':'.
 */
export type ActorId = string
export type Destination = string

export const toTopic = (topic: string): Destination => `topic:${topic}`
export const toRole = (role: string): Destination => `role:${role}`

export type ParsedDestination =
  | { readonly type: 'actor'; readonly id: ActorId }
  | { readonly type: 'topic'; readonly topic: string }
  | { readonly type: 'role'; readonly role: string }

export const parseDestination = (to: Destination): ParsedDestination => {
  if (to.startsWith('topic:')) return { type: 'topic', topic: to.slice(6) }
  if (to.startsWith('role:')) return { type: 'role', role: to.slice(5) }
  return { type: 'actor', id: to }
}

const ACTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/
export const isValidActorId = (id: string): boolean => ACTOR_ID.test(id)
