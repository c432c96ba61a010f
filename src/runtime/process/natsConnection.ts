import { readFileSync } from 'node:fs'
import {
  AuthorizationError,
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
} from '@nats-io/transport-node'
import { Data, Either } from 'effect'

/**
 * Connecting a node (or an operator tool) to NATS.
 *
 * The first connection fails fast with a typed error (a wrong URL or credential should say
 * so, not hang); once connected, the client reconnects forever, every 250 ms, and replays
 * its subscriptions itself, so a restarted nats-server costs the node its messages in
 * flight but nothing of its state. Publishes made while disconnected are buffered by the
 * client (up to its reconnect buffer) and sent after the reconnect.
 */
export class NatsConnectError extends Data.TaggedError('NatsConnectError')<{ readonly url: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `cannot connect to NATS at ${this.url}: ${this.detail}`
  }
}

/** The server admits the node but refuses it subjects it needs: it was given another node's credentials. */
export class NatsPermissionError extends Data.TaggedError('NatsPermissionError')<{ readonly url: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `NATS at ${this.url} refuses this node: ${this.detail}`
  }
}

export class CredentialsError extends Data.TaggedError('CredentialsError')<{ readonly path: string; readonly detail: string }> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

/**
 * Reads a credentials file: a NATS `.creds` file (user JWT and nkey seed, for servers run
 * with an operator) or a bare user nkey seed (`SU…`, what `strata devnet init` writes and
 * its server config names by public key).
 */
export const readCredentials = (path: string): Either.Either<Authenticator, CredentialsError> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    return Either.left(new CredentialsError({ path, detail: (error as Error).message }))
  }
  if (text.includes('BEGIN NATS USER JWT')) return Either.right(credsAuthenticator(new TextEncoder().encode(text)))
  const seed = text.trim()
  if (/^SU[A-Z2-7]{56}$/.test(seed)) return Either.right(nkeyAuthenticator(new TextEncoder().encode(seed)))
  return Either.left(new CredentialsError({ path, detail: 'neither a .creds file nor a user nkey seed (SU…)' }))
}

export interface ConnectOptions {
  readonly url: string
  /** Shown in the server's connection list (`/connz`). */
  readonly name: string
  readonly authenticator?: Authenticator
}

export const connectNats = async (options: ConnectOptions): Promise<NatsConnection> => {
  try {
    return await connect({
      servers: options.url,
      name: options.name,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      // Ping every 2 s and give up on the socket after 2 unanswered: a dead server is noticed within ~4 s.
      pingInterval: 2_000,
      maxPingOut: 2,
      timeout: 5_000,
      ...(options.authenticator === undefined ? {} : { authenticator: options.authenticator }),
    })
  } catch (error) {
    const detail = (error as Error).message
    const hint =
      error instanceof AuthorizationError
        ? 'check the credentials (--creds, or the node\'s `credentials` in the network file) and that the server config lists them'
        : 'check the --nats URL and that nats-server is running (`strata devnet up` starts one)'
    throw new NatsConnectError({ url: options.url, detail, hint })
  }
}
