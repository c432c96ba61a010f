import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

export const SEED_BYTES = 32
export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64

// node:crypto imports raw ed25519 keys only inside DER: these are the fixed ASN.1 headers
// of a PKCS#8 private key and of a SubjectPublicKeyInfo (RFC 8410), followed by the 32 raw bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export interface SigningKey {
  /** 32 raw bytes. */
  readonly publicKey: Uint8Array
  /** A 64-byte ed25519 signature (deterministic: same key and message, same signature). */
  sign(message: Uint8Array): Uint8Array
}

/** A key from its 32-byte seed (derived from the run seed in simulation, read from a file in process mode). */
export const signingKeyFromSeed = (seed: Uint8Array): SigningKey => {
  if (seed.length !== SEED_BYTES) throw new RangeError(`an ed25519 seed is ${SEED_BYTES} bytes, got ${seed.length}`)
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const publicKey = plainBytes(spki.subarray(SPKI_PREFIX.length))
  return {
    publicKey,
    sign: (message) => plainBytes(sign(null, message, privateKey)),
  }
}

/** True only for a valid signature; false (never an exception) for malformed keys or signatures. */
export const verifySignature = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
  try {
    return verify(null, message, publicKeyObject(publicKey), signature)
  } catch {
    return false
  }
}

export const publicKeyHex = (publicKey: Uint8Array): string => Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex')

// Importing the DER on every verification made verification 1.7x slower (measured), so key objects are kept.
// A network has a bounded set of keys; the cap keeps junk keys from growing the cache.
const MAX_CACHED_KEYS = 4096
const publicKeys = new Map<string, KeyObject>()

/** Throws for bytes that are not a public key; only valid keys are cached. */
const publicKeyObject = (publicKey: Uint8Array): KeyObject => {
  const hex = publicKeyHex(publicKey)
  const cached = publicKeys.get(hex)
  if (cached !== undefined) return cached
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
  if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear()
  publicKeys.set(hex, key)
  return key
}

/** node:crypto returns Buffers; strata passes plain Uint8Arrays around. */
const plainBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
