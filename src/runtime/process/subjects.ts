/**
 * The NATS subject scheme of one network. Every subject starts with `strata.<network>.`
 * so that one nats-server can carry several networks and a credential can be confined to
 * one of them with a single wildcard.
 *
 *   strata.<net>.actor.<actor>      envelopes to one actor           (its node subscribes)
 *   strata.<net>.topic.<topic>      envelopes to a topic             (every node with a subscriber)
 *   strata.<net>.role.<role>        envelopes to any live actor of a role: every node with an
 *                                   actor of that role subscribes in queue group <role>, so
 *                                   the server hands each envelope to exactly one of them
 *   strata.<net>.presence.<node>    a node's signed heartbeat (see presence.ts)
 *   strata.<net>.status.<node>      status request/reply (JSON), for operators and `devnet status`
 *
 * Names are escaped into one subject token each: NATS splits subjects at '.', and '*', '>'
 * and whitespace are wildcards or separators. Letters, digits, '-' and '_' stay as they
 * are (so common ids read plainly in `nats sub` output); any other UTF-8 byte, and '~'
 * itself, becomes `~XX` (hex). The mapping is injective, so two names never share a subject.
 */
const PLAIN = /^[A-Za-z0-9_-]+$/

export const subjectToken = (name: string): string => {
  if (PLAIN.test(name)) return name
  let token = ''
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte)
    token += byte < 0x80 && /[A-Za-z0-9_-]/.test(char) ? char : `~${byte.toString(16).padStart(2, '0')}`
  }
  return token
}

/** Network names are one plain subject token, so they need no escaping and read well in configs. */
export const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

export interface Subjects {
  actor(id: string): string
  topic(topic: string): string
  role(role: string): string
  /** The queue group that makes a role subject "any one of them". */
  roleQueue(role: string): string
  presence(node: string): string
  /** Every node's presence (a subscription). */
  readonly presenceAll: string
  status(node: string): string
  /** Prefixes, for permissions that cover a whole family. */
  readonly families: { readonly actor: string; readonly topic: string; readonly role: string; readonly status: string }
}

export const subjectsOf = (network: string): Subjects => {
  if (!NETWORK_NAME.test(network)) throw new RangeError(`network name "${network}" must match ${NETWORK_NAME}`)
  const base = `strata.${network}`
  return {
    actor: (id) => `${base}.actor.${subjectToken(id)}`,
    topic: (topic) => `${base}.topic.${subjectToken(topic)}`,
    role: (role) => `${base}.role.${subjectToken(role)}`,
    roleQueue: (role) => subjectToken(role),
    presence: (node) => `${base}.presence.${subjectToken(node)}`,
    presenceAll: `${base}.presence.*`,
    status: (node) => `${base}.status.${subjectToken(node)}`,
    families: { actor: `${base}.actor`, topic: `${base}.topic`, role: `${base}.role`, status: `${base}.status` },
  }
}
