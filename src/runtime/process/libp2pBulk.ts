import './polyfill.ts'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { Data } from 'effect'
import { createLibp2p, type Libp2p } from 'libp2p'

/**
 * The process-mode bulk channel: large envelopes (8 MiB fragments, snapshots) go over
 * libp2p streams instead of NATS, whose payloads are capped and which would relay every
 * byte through the server. Transport TCP, encryption noise, multiplexing yamux.
 *
 * One envelope per stream: the sender writes its bytes and closes, the receiver reads to
 * the end. The node's ed25519 key is its libp2p identity, so the peer id of every node
 * follows from the network file, and the noise handshake proves the remote holds that key:
 * a dial goes to the announced address but insists on the expected peer id.
 */
export const BULK_PROTOCOL = '/strata/bulk/1.0.0'

/** Writes are sliced so that yamux's flow control can pace them (and memory stays flat). */
const WRITE_SLICE = 1024 * 1024
const DIAL_TIMEOUT_MS = 10_000

export class BulkSendError extends Data.TaggedError('BulkSendError')<{ readonly peer: string; readonly detail: string }> {
  override get message(): string {
    return `bulk send to ${this.peer} failed: ${this.detail}`
  }
}

export class BulkStartError extends Data.TaggedError('BulkStartError')<{ readonly listen: string; readonly detail: string }> {
  override get message(): string {
    return `cannot start the bulk channel on ${this.listen}: ${this.detail}`
  }
}

export interface Libp2pBulkOptions {
  /** The node key's 32-byte ed25519 seed. */
  readonly seed: Uint8Array
  /** A multiaddr to listen on, e.g. /ip4/127.0.0.1/tcp/0 (port 0: any free port). */
  readonly listen: string
  readonly maxBytes: number
  /** A complete envelope's bytes arrived. */
  readonly onReceive: (bytes: Uint8Array) => void
  /** A stream was refused (too large) or broke before its end. */
  readonly onReceiveError: (detail: string) => void
}

/** The libp2p peer id of the node whose ed25519 public key this is. */
export const peerIdOf = (publicKey: Uint8Array): string => peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString()

export class Libp2pBulk {
  private constructor(
    private readonly node: Libp2p,
    private readonly options: Libp2pBulkOptions,
  ) {}

  static async start(options: Libp2pBulkOptions): Promise<Libp2pBulk> {
    let node: Libp2p
    try {
      node = await createLibp2p({
        privateKey: await generateKeyPairFromSeed('Ed25519', options.seed),
        addresses: { listen: [options.listen] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
      })
    } catch (error) {
      throw new BulkStartError({ listen: options.listen, detail: (error as Error).message })
    }
    const bulk = new Libp2pBulk(node, options)
    await node.handle(BULK_PROTOCOL, (stream) => bulk.receive(stream))
    return bulk
  }

  /** Where peers can reach this node (with its /p2p/ peer id). */
  addresses(): string[] {
    return this.node.getMultiaddrs().map((address) => address.toString())
  }

  /** Sends one envelope's bytes to the node with this public key, at one of its announced addresses. */
  async send(publicKey: Uint8Array, addresses: readonly string[], bytes: Uint8Array): Promise<void> {
    const peer = peerIdOf(publicKey)
    // The announced /p2p/ part is replaced by the expected one: noise then refuses any other key.
    const targets = addresses.map((a) => multiaddr(`${a.replace(/\/p2p\/[^/]+$/, '')}/p2p/${peer}`))
    if (targets.length === 0) throw new BulkSendError({ peer, detail: 'no known address (is the node up?)' })
    let stream: Stream
    try {
      stream = await this.node.dialProtocol(targets, BULK_PROTOCOL, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
    } catch (error) {
      throw new BulkSendError({ peer, detail: `dial: ${(error as Error).message}` })
    }
    try {
      for (let offset = 0; offset < bytes.length; offset += WRITE_SLICE) {
        if (!stream.send(bytes.subarray(offset, offset + WRITE_SLICE))) await stream.onDrain()
      }
      await stream.close()
    } catch (error) {
      stream.abort(error as Error)
      throw new BulkSendError({ peer, detail: (error as Error).message })
    }
  }

  async stop(): Promise<void> {
    await this.node.stop()
  }

  private async receive(stream: Stream): Promise<void> {
    const chunks: Uint8Array[] = []
    let size = 0
    try {
      for await (const chunk of stream) {
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray()
        size += bytes.length
        if (size > this.options.maxBytes) {
          stream.abort(new Error(`envelope exceeds ${this.options.maxBytes} bytes`))
          this.options.onReceiveError(`a stream exceeded the bulk limit of ${this.options.maxBytes} bytes and was cut`)
          return
        }
        chunks.push(bytes)
      }
    } catch (error) {
      this.options.onReceiveError(`a stream broke after ${size} bytes: ${(error as Error).message}`)
      return
    }
    const whole = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      whole.set(chunk, offset)
      offset += chunk.length
    }
    this.options.onReceive(whole)
  }
}
