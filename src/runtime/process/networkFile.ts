import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Data, Either, ParseResult, Schema } from 'effect'
import { parse, stringify } from 'yaml'
import { isValidActorId } from '../address.ts'
import { PUBLIC_KEY_BYTES } from '../crypto/ed25519.ts'
import { NETWORK_NAME } from './subjects.ts'

/**
 * The network file (genesis): what every node of one network agrees on. Its format is
 * documented in docs/network-file.md. Role parameters are kept in the form a scenario
 * writes them (durations as "1s"): the runtime knows no roles, so whoever starts a node
 * decodes them with the role's schema.
 */
export const NETWORK_FILE_FORMAT = 'strata-network/1'

export class NetworkFileError extends Data.TaggedError('NetworkFileError')<{ readonly path: string; readonly detail: string }> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

const PositiveInt = Schema.Int.pipe(Schema.positive())

const PublicKeyHex = Schema.String.pipe(
  Schema.pattern(new RegExp(`^[0-9a-f]{${2 * PUBLIC_KEY_BYTES}}$`), { message: () => `expected ${PUBLIC_KEY_BYTES} bytes as lowercase hex` }),
)

const NodeEntry = Schema.Struct({
  id: Schema.String.pipe(Schema.filter((id) => isValidActorId(id) || 'an id is 1–128 of A-Z a-z 0-9 . _ / - and starts with a letter or digit')),
  role: Schema.String.pipe(Schema.minLength(1)),
  /** The role's parameters as a scenario writes them; decoded by the role's schema at start. */
  params: Schema.optionalWith(Schema.Unknown, { default: () => ({}) }),
  /** The node's ed25519 public key: envelopes from its actors must carry its signature. */
  publicKey: PublicKeyHex,
  /** The node's NATS credentials (an nkey seed or a .creds file), relative to the network file. */
  credentials: Schema.optional(Schema.String),
  /**
   * Set for a node a scenario workload adds (a load client): `params` are then the
   * workload's, and the node is the one its `index`-th workload of `type` makes with this id.
   */
  workload: Schema.optional(Schema.Struct({ type: Schema.String.pipe(Schema.minLength(1)), index: Schema.NonNegativeInt })),
})

const Limits = Schema.Struct({
  /** Largest envelope on NATS (the server's max_payload must allow it). */
  maxMessageBytes: Schema.optionalWith(PositiveInt, { default: () => 1024 * 1024 }),
  /** Largest envelope on the bulk channel (libp2p streams). */
  maxBulkBytes: Schema.optionalWith(PositiveInt, { default: () => 256 * 1024 * 1024 }),
  /** Per-node inbox for envelopes that arrive while an actor is restarting. */
  mailbox: Schema.optionalWith(
    Schema.Struct({
      capacity: Schema.optionalWith(PositiveInt, { default: () => 1024 }),
      overflow: Schema.optionalWith(Schema.Literal('drop-newest', 'drop-oldest'), { default: () => 'drop-newest' as const }),
    }),
    { default: () => ({ capacity: 1024, overflow: 'drop-newest' as const }) },
  ),
})

const NetworkFileSchema = Schema.Struct({
  format: Schema.Literal(NETWORK_FILE_FORMAT),
  network: Schema.String.pipe(Schema.pattern(NETWORK_NAME, { message: () => 'a network name is lowercase letters, digits and "-", starting with a letter or digit' })),
  chainId: Schema.String.pipe(Schema.minLength(1)),
  genesisTime: Schema.String.pipe(Schema.filter((t) => !Number.isNaN(Date.parse(t)) || 'expected an ISO 8601 time such as 2026-01-01T00:00:00Z')),
  limits: Schema.optionalWith(Limits, { default: () => Schema.decodeSync(Limits)({}) }),
  nats: Schema.Struct({
    /** Where nodes connect unless told otherwise (`strata node --nats`). */
    url: Schema.String.pipe(Schema.minLength(1)),
    /** Credentials for operator tools (`strata devnet status`): status requests only. */
    adminCredentials: Schema.optional(Schema.String),
  }),
  nodes: Schema.Array(NodeEntry).pipe(Schema.minItems(1)),
})

export type NetworkNode = Schema.Schema.Type<typeof NodeEntry>
export type NetworkDocument = Schema.Schema.Type<typeof NetworkFileSchema>

/** A loaded network file, with the directory its relative paths are resolved against. */
export interface NetworkFile extends NetworkDocument {
  readonly path: string
  /** Absolute path of a file the network file names (credentials). */
  resolvePath(relative: string): string
  node(id: string): NetworkNode | undefined
}

export const parseNetworkFile = (text: string, path: string): Either.Either<NetworkFile, NetworkFileError> => {
  let raw: unknown
  try {
    raw = parse(text)
  } catch (error) {
    return Either.left(new NetworkFileError({ path, detail: `not valid YAML: ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}` }))
  }
  const decoded = Schema.decodeUnknownEither(NetworkFileSchema)(raw, { onExcessProperty: 'error' })
  if (Either.isLeft(decoded)) return Either.left(new NetworkFileError({ path, detail: firstIssue(decoded.left) }))
  const doc = decoded.right
  const seen = new Set<string>()
  for (const node of doc.nodes) {
    if (seen.has(node.id)) return Either.left(new NetworkFileError({ path, detail: `node id "${node.id}" appears twice` }))
    seen.add(node.id)
  }
  const base = dirname(resolve(path))
  const byId = new Map(doc.nodes.map((n) => [n.id, n]))
  return Either.right({ ...doc, path, resolvePath: (relative) => resolve(base, relative), node: (id) => byId.get(id) })
}

export const readNetworkFile = (path: string): Either.Either<NetworkFile, NetworkFileError> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return Either.left(new NetworkFileError({ path, detail: code === 'ENOENT' ? 'no such file' : (error as Error).message }))
  }
  return parseNetworkFile(text, path)
}

/** The YAML text of a network file, with a comment that says what it is. */
export const formatNetworkFile = (doc: NetworkDocument): string =>
  `# strata network file (genesis): see docs/network-file.md\n${stringify(Schema.encodeSync(NetworkFileSchema)(doc), { lineWidth: 0 })}`

const firstIssue = (error: ParseResult.ParseError): string => {
  const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (first === undefined) return 'not a network file'
  const where = first.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${String(step)}`)).join('').replace(/^\./, '')
  return `${where === '' ? '' : `${where}: `}${first.message}`
}
