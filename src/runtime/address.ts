/**
 * Where an envelope goes. One string on the wire, so it hashes and routes cheaply:
 *   "<actorId>"        one actor
 *   "topic:<name>"     every subscriber of a topic
 *   "role:<role>"      any one live actor of a role (a NATS queue group in process mode)
 * Actor ids never contain ':'.
 */
export type ActorId = string
export type Destination = string

const TOPIC_PREFIX = 'topic:'
const ROLE_PREFIX = 'role:'

export const toTopic = (topic: string): Destination => TOPIC_PREFIX + topic
export const toRole = (role: string): Destination => ROLE_PREFIX + role

export type ParsedDestination =
  | { readonly type: 'actor'; readonly id: ActorId }
  | { readonly type: 'topic'; readonly topic: string }
  | { readonly type: 'role'; readonly role: string }

export const parseDestination = (to: Destination): ParsedDestination => {
  if (to.startsWith(TOPIC_PREFIX)) return { type: 'topic', topic: to.slice(TOPIC_PREFIX.length) }
  if (isRoleDestination(to)) return { type: 'role', role: to.slice(ROLE_PREFIX.length) }
  return { type: 'actor', id: to }
}

/** Whether `to` means "any one actor of a role"; cheaper than parsing it on every send. */
export const isRoleDestination = (to: Destination): boolean => to.startsWith(ROLE_PREFIX)

const ACTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/
export const isValidActorId = (id: string): boolean => ACTOR_ID.test(id)
