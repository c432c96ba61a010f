import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Data, Either } from 'effect'
import { SEED_BYTES, signingKeyFromSeed, type SigningKey } from '../crypto/ed25519.ts'

/**
 * A node's identity: an ed25519 seed in `<data>/node.key`, as 64 hex characters and a
 * newline, readable by its owner only. The same seed signs the node's envelopes and is
 * its libp2p identity, so the network file's public key pins both.
 */
export const NODE_KEY_FILE = 'node.key'

export class NodeKeyError extends Data.TaggedError('NodeKeyError')<{ readonly path: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

export interface NodeKey {
  readonly seed: Uint8Array
  readonly signer: SigningKey
}

const keyPath = (dataDir: string): string => join(dataDir, NODE_KEY_FILE)

export const readNodeKey = (dataDir: string): Either.Either<NodeKey, NodeKeyError> => {
  const path = keyPath(dataDir)
  let text: string
  try {
    // Group or world access to a private key is refused, as ssh does: a leaked key is a forged node.
    if ((statSync(path).mode & 0o077) !== 0) {
      return Either.left(new NodeKeyError({ path, detail: 'the key file is readable by others', hint: `chmod 600 ${path}` }))
    }
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    return Either.left(
      new NodeKeyError({
        path,
        detail: missing ? 'no node key here' : (error as Error).message,
        hint: missing ? `create one with \`strata keys --data ${dataDir}\` and put its public key in the network file` : 'check the --data directory',
      }),
    )
  }
  const hex = text.trim()
  if (!new RegExp(`^[0-9a-f]{${2 * SEED_BYTES}}$`).test(hex)) {
    return Either.left(new NodeKeyError({ path, detail: `expected ${2 * SEED_BYTES} lowercase hex characters`, hint: 'restore the key file, or create a new key and update the network file' }))
  }
  const seed = new Uint8Array(Buffer.from(hex, 'hex'))
  return Either.right({ seed, signer: signingKeyFromSeed(seed) })
}

/**
 * The node's key, created if the directory has none (never overwritten: replacing a key
 * orphans the node from its network). `created` says which happened.
 */
export const ensureNodeKey = (dataDir: string): Either.Either<NodeKey & { readonly created: boolean }, NodeKeyError> => {
  const path = keyPath(dataDir)
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    // 'wx' fails if the file exists, so two concurrent calls cannot both write a key.
    writeFileSync(path, `${randomBytes(SEED_BYTES).toString('hex')}\n`, { flag: 'wx', mode: 0o600 })
    chmodSync(path, 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      return Either.left(new NodeKeyError({ path, detail: `cannot write the key: ${(error as Error).message}`, hint: 'choose a --data directory you can write' }))
    }
    return Either.map(readNodeKey(dataDir), (key) => ({ ...key, created: false }))
  }
  return Either.map(readNodeKey(dataDir), (key) => ({ ...key, created: true }))
}
