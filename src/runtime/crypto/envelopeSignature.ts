import { encodeEnvelope } from '../codec/envelopeCodec.ts'
import type { Envelope } from '../envelope.ts'
import { verifySignature } from './ed25519.ts'
import type { SigningKey } from './ed25519.ts'

/** What a signature covers: the canonical bytes of the envelope without `sig`. */
export const signedBytes = (env: Envelope): Uint8Array => {
  const { sig, ...unsigned } = env
  return encodeEnvelope(unsigned)
}

/** The envelope with `sig` set (any previous signature replaced). */
export const signEnvelope = <Body>(env: Envelope<Body>, key: SigningKey): Envelope<Body> => ({ ...env, sig: key.sign(signedBytes(env)) })

/**
 * True only if `env` carries a signature by `publicKey` over exactly these fields. Never
 * throws: an unsigned or unencodable envelope, or a malformed key, is simply not verified.
 */
export const verifyEnvelope = (env: Envelope, publicKey: Uint8Array): boolean => {
  if (env.sig === undefined) return false
  let message: Uint8Array
  try {
    message = signedBytes(env)
  } catch {
    return false
  }
  return verifySignature(publicKey, message, env.sig)
}
