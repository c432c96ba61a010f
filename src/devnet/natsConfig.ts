import { subjectsOf } from '../runtime/process/subjects.ts'

/**
 * The nats-server config of a devnet, and the credentials model it encodes.
 *
 * Every client authenticates with an nkey (an ed25519 key whose seed only the client
 * holds; the server config names public keys only, so it holds no secret). A connection
 * without one is refused. Each user may touch its own network's subjects only, and no
 * more of them than its part needs:
 *
 *   node X   publish    strata.<net>.actor.>  .topic.>  .role.>   (send to anyone)
 *                       strata.<net>.presence.X                   (its own heartbeat only)
 *            subscribe  strata.<net>.actor.<each actor of X>      (its own inbox only)
 *                       strata.<net>.role.<each role of X>, .topic.>, .presence.*
 *                       strata.<net>.status.X
 *            replies to requests it receives (allow_responses), i.e. status answers
 *   admin    publish    strata.<net>.status.*                     (ask any node's status)
 *            subscribe  _INBOX.>  strata.<net>.presence.*         (read answers, watch nodes)
 *
 * So a node cannot read another node's envelopes or forge its heartbeat, and the
 * operator's tools cannot inject envelopes. Envelope signatures (checked by every node
 * against the network file's keys) are the second line: a node may publish to any actor,
 * but only as itself.
 */
export type NatsUser =
  | { readonly kind: 'node'; readonly nkey: string; readonly node: string; readonly actors: readonly string[]; readonly roles: readonly string[] }
  | { readonly kind: 'admin'; readonly nkey: string }

export interface NatsConfigInput {
  readonly network: string
  readonly port: number
  /** The largest message the server accepts (NATS's default is 1 MiB). */
  readonly maxPayload: number
  /** JetStream's storage, relative to the directory nats-server runs in. */
  readonly storeDir: string
  readonly users: readonly NatsUser[]
}

export const permissionsOf = (network: string, user: NatsUser): { publish: string[]; subscribe: string[]; allowResponses: boolean } => {
  const s = subjectsOf(network)
  if (user.kind === 'admin') return { publish: [`${s.families.status}.*`], subscribe: ['_INBOX.>', s.presenceAll], allowResponses: false }
  return {
    publish: [`${s.families.actor}.>`, `${s.families.topic}.>`, `${s.families.role}.>`, s.presence(user.node)],
    subscribe: [...user.actors.map((a) => s.actor(a)), ...user.roles.map((r) => s.role(r)), `${s.families.topic}.>`, s.presenceAll, s.status(user.node)],
    allowResponses: true,
  }
}

const list = (subjects: readonly string[]): string => `[${subjects.map((x) => JSON.stringify(x)).join(', ')}]`

export const natsConfigText = (input: NatsConfigInput): string => {
  const users = input.users.map((user) => {
    const p = permissionsOf(input.network, user)
    const who = user.kind === 'admin' ? 'admin (strata devnet status)' : `node ${user.node}`
    return [
      `    # ${who}`,
      `    { nkey: ${JSON.stringify(user.nkey)}`,
      `      permissions: {`,
      `        publish: { allow: ${list(p.publish)} }`,
      `        subscribe: { allow: ${list(p.subscribe)} }`,
      ...(p.allowResponses ? ['        allow_responses: true'] : []),
      `      } }`,
    ].join('\n')
  })
  return `# nats-server config of the strata network "${input.network}", written by \`strata devnet init\`.
# Loopback only; every client must present one of the nkeys below (see src/devnet/natsConfig.ts).
listen: "127.0.0.1:${input.port}"
server_name: ${JSON.stringify(`strata-${input.network}`)}
max_payload: ${input.maxPayload}
jetstream {
  store_dir: ${JSON.stringify(input.storeDir)}
  max_memory_store: 268435456
  max_file_store: 1073741824
}
authorization {
  users: [
${users.join('\n')}
  ]
}
`
}
