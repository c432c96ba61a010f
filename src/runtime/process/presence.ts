import { Either, Schema } from 'effect'
import { decodeStrict, encodeCanonical } from '../codec/cbor.ts'
import { SIGNATURE_BYTES, verifySignature, type SigningKey } from '../crypto/ed25519.ts'

/**
 * Which nodes are up, which topics they listen to, and where their bulk channel is.
 *
 * The simulator knows every node's status; a process has to learn it. Each node
 * publishes a signed heartbeat on its own presence subject every `interval`, at once when
 * its topics change or its connection comes back, and a last one with `leaving` when it
 * stops. A node is live while its latest heartbeat is younger than `staleAfter` on the
 * receiver's monotonic clock (senders' clocks are never compared). This view answers the
 * host's `hasResponders` synchronously, which is what turns a request to a dead actor into
 * `no-responders` at once instead of a timeout, and carries the libp2p addresses, so bulk
 * peers need no configuration.
 *
 * Wire form: canonical CBOR `{body, sig}`, `body` the canonical CBOR of
 * `{node, topics, bulk, leaving}` and `sig` the node key's ed25519 signature of `body`.
 */
export interface PresenceOptions {
  readonly self: string
  readonly signer: SigningKey
  readonly publicKeyOf: (node: string) => Uint8Array | undefined
  readonly publish: (bytes: Uint8Array) => void
  /** A heartbeat was refused (counted by the caller). */
  readonly onInvalid: () => void
  /** Milliseconds between heartbeats. */
  readonly interval: number
  /** Milliseconds without a heartbeat after which a node counts as down. */
  readonly staleAfter: number
  /** A monotonic clock in milliseconds. */
  readonly now: () => number
}

const MAX_PRESENCE_BYTES = 64 * 1024

const Heartbeat = Schema.Struct({
  node: Schema.String,
  topics: Schema.Array(Schema.String),
  bulk: Schema.Array(Schema.String),
  leaving: Schema.Boolean,
})
type Heartbeat = Schema.Schema.Type<typeof Heartbeat>

const Signed = Schema.Struct({ body: Schema.Uint8ArrayFromSelf, sig: Schema.Uint8ArrayFromSelf.pipe(Schema.filter((s) => s.length === SIGNATURE_BYTES)) })
const isSigned = Schema.is(Signed)
const isHeartbeat = Schema.is(Heartbeat)

interface Peer {
  readonly seenAt: number
  readonly topics: ReadonlySet<string>
  readonly bulk: readonly string[]
  readonly leaving: boolean
}

export class Presence {
  private readonly peers = new Map<string, Peer>()
  private topics: string[] = []
  private bulk: string[] = []
  private ticker: ReturnType<typeof setInterval> | undefined
  private left = false

  constructor(private readonly options: PresenceOptions) {}

  start(): void {
    this.announce()
    this.ticker = setInterval(() => this.announce(), this.options.interval)
    this.ticker.unref()
  }

  /** Sends the last heartbeat (`leaving`) and stops beating. */
  leave(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker)
    this.ticker = undefined
    this.announce(true)
    this.left = true
  }

  setTopics(topics: Iterable<string>): void {
    const sorted = [...topics].sort()
    if (sorted.join('\0') === this.topics.join('\0')) return
    this.topics = sorted
    if (this.ticker !== undefined) this.announce()
  }

  setBulkAddresses(addresses: readonly string[]): void {
    this.bulk = [...addresses].sort()
    if (this.ticker !== undefined) this.announce()
  }

  /** Publishes a heartbeat now (after a reconnect, peers may have dropped this node). Nothing once it has left. */
  announce(leaving = false): void {
    if (this.left) return
    const body = encodeCanonical({ node: this.options.self, topics: this.topics, bulk: this.bulk, leaving } satisfies Heartbeat)
    this.options.publish(encodeCanonical({ body, sig: this.options.signer.sign(body) }))
  }

  /** A heartbeat from any node. Bad ones (undecodable, or not signed by the node they name) are counted and dropped. */
  receive(bytes: Uint8Array): void {
    const heartbeat = this.verified(bytes)
    if (heartbeat === undefined) {
      this.options.onInvalid()
      return
    }
    if (heartbeat.node === this.options.self) return
    // One publisher's messages reach a subscriber in order, so the latest received is the latest sent.
    this.peers.set(heartbeat.node, { seenAt: this.options.now(), topics: new Set(heartbeat.topics), bulk: heartbeat.bulk, leaving: heartbeat.leaving })
  }

  isLive(node: string): boolean {
    if (node === this.options.self) return true
    const peer = this.peers.get(node)
    return peer !== undefined && !peer.leaving && this.options.now() - peer.seenAt <= this.options.staleAfter
  }

  /** Whether a live node other than this one has a subscriber on `topic`. */
  anyLiveListens(topic: string): boolean {
    for (const [node, peer] of this.peers) if (peer.topics.has(topic) && this.isLive(node)) return true
    return false
  }

  bulkAddresses(node: string): readonly string[] {
    return this.isLive(node) ? (this.peers.get(node)?.bulk ?? []) : []
  }

  /** Live nodes other than this one, sorted. */
  liveNodes(): string[] {
    return [...this.peers.keys()].filter((node) => this.isLive(node)).sort()
  }

  private verified(bytes: Uint8Array): Heartbeat | undefined {
    const outer = decodeStrict(bytes, MAX_PRESENCE_BYTES)
    if (Either.isLeft(outer) || !isSigned(outer.right)) return undefined
    const inner = decodeStrict(outer.right.body, MAX_PRESENCE_BYTES)
    if (Either.isLeft(inner) || !isHeartbeat(inner.right)) return undefined
    const publicKey = this.options.publicKeyOf(inner.right.node)
    return publicKey !== undefined && verifySignature(publicKey, outer.right.body, outer.right.sig) ? inner.right : undefined
  }
}
