import { fc, test } from '@fast-check/vitest'
import { Either, Schema } from 'effect'
import { describe, expect } from 'vitest'
import { decodeEnvelope, encodeEnvelope } from '../../src/runtime/codec/envelopeCodec.ts'
import { publicKeyHex, signingKeyFromSeed, verifySignature } from '../../src/runtime/crypto/ed25519.ts'
import { signEnvelope, verifyEnvelope } from '../../src/runtime/crypto/envelopeSignature.ts'
import { ENVELOPE_VERSION } from '../../src/runtime/envelope.ts'
import type { Envelope } from '../../src/runtime/envelope.ts'
import { KindRegistry } from '../../src/runtime/kinds.ts'

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = bytes.slice()
  const index = Math.floor(bit / 8) % out.length
  out[index] = out[index]! ^ (1 << bit % 8)
  return out
}

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 })
const keyA = signingKeyFromSeed(new Uint8Array(32).fill(1))
const keyB = signingKeyFromSeed(new Uint8Array(32).fill(2))

describe('ed25519', () => {
  test('matches RFC 8032 test vector 1', () => {
    const key = signingKeyFromSeed(fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
    expect(publicKeyHex(key.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    const signature = key.sign(new Uint8Array(0))
    expect(toHex(signature)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    )
    expect(verifySignature(key.publicKey, new Uint8Array(0), signature)).toBe(true)
  })

  test('hands out plain 32-byte public keys and 64-byte signatures', () => {
    expect(keyA.publicKey.constructor).toBe(Uint8Array)
    expect(keyA.publicKey.length).toBe(32)
    const signature = keyA.sign(Uint8Array.of(1, 2, 3))
    expect(signature.constructor).toBe(Uint8Array)
    expect(signature.length).toBe(64)
  })

  test('refuses a seed that is not 32 bytes', () => {
    expect(() => signingKeyFromSeed(new Uint8Array(31))).toThrow(RangeError)
  })

  test.prop([seed, fc.uint8Array({ maxLength: 200 })], { numRuns: 50 })('the same seed gives the same key and signatures', (s, message) => {
    const a = signingKeyFromSeed(s)
    const b = signingKeyFromSeed(s.slice())
    expect(toHex(a.publicKey)).toBe(toHex(b.publicKey))
    expect(toHex(a.sign(message))).toBe(toHex(b.sign(message)))
  })

  test.prop([seed, fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat()], { numRuns: 100 })(
    'verifies a signature, and not once any bit of message, signature or key is flipped',
    (s, message, bit) => {
      const key = signingKeyFromSeed(s)
      const signature = key.sign(message)
      expect(verifySignature(key.publicKey, message, signature)).toBe(true)
      expect(verifySignature(key.publicKey, flipBit(message, bit), signature)).toBe(false)
      expect(verifySignature(key.publicKey, message, flipBit(signature, bit))).toBe(false)
      expect(verifySignature(flipBit(key.publicKey, bit), message, signature)).toBe(false)
    },
  )

  test('a signature does not verify under another key', () => {
    const message = Uint8Array.of(9, 9, 9)
    expect(verifySignature(keyB.publicKey, message, keyA.sign(message))).toBe(false)
  })

  test.prop([fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 70 })], { numRuns: 300 })(
    'garbage keys and signatures give false, never an exception',
    (publicKey, signature) => {
      expect(verifySignature(publicKey, Uint8Array.of(1), signature)).toBe(false)
    },
  )

  test('keys that are not curve points give false', () => {
    const message = Uint8Array.of(1)
    const signature = keyA.sign(message)
    for (const junk of [new Uint8Array(32), new Uint8Array(32).fill(0xff), fromHex('02'.padEnd(64, '0'))]) {
      expect(verifySignature(junk, message, signature)).toBe(false)
    }
  })
})

describe('envelope signatures', () => {
  const Note = Schema.Struct({ text: Schema.String, tags: Schema.Record({ key: Schema.String, value: Schema.Number }) })
  const registry = new KindRegistry().register({ 'test.note': Note })
  const envelope = fc.record({
    v: fc.constant(ENVELOPE_VERSION),
    id: fc.string({ maxLength: 12 }),
    from: fc.string({ maxLength: 12 }),
    to: fc.string({ maxLength: 12 }),
    kind: fc.constant('test.note'),
    at: fc.maxSafeNat(),
    body: fc.record({ text: fc.string({ maxLength: 20 }), tags: fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 4 }) }),
  }) satisfies fc.Arbitrary<Envelope>

  test.prop([envelope])('a signed envelope verifies, also after the wire', (env) => {
    const signed = signEnvelope(env, keyA)
    expect(verifyEnvelope(signed, keyA.publicKey)).toBe(true)
    const received = Either.getOrThrow(decodeEnvelope(encodeEnvelope(signed), registry, 4096))
    expect(verifyEnvelope(received, keyA.publicKey)).toBe(true)
  })

  test.prop([envelope], { numRuns: 10 })('flipping any single bit of the signed bytes breaks it', (env) => {
    const bytes = encodeEnvelope(signEnvelope(env, keyA))
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const received = decodeEnvelope(flipBit(bytes, bit), registry, 4096)
      if (Either.isRight(received)) expect(verifyEnvelope(received.right, keyA.publicKey), `bit ${bit}`).toBe(false)
    }
  })

  test.prop([envelope, fc.nat()])('changing any field breaks it', (env, pick) => {
    const signed = signEnvelope(env, keyA)
    const changes: Array<Partial<Envelope>> = [
      { id: `${signed.id}x` },
      { from: `${signed.from}x` },
      { to: `${signed.to}x` },
      { kind: `${signed.kind}x` },
      { at: signed.at + 1 },
      { v: signed.v + 1 },
      { re: 'x' },
      { body: { ...(signed.body as object), text: `${(signed.body as { text: string }).text}x` } },
    ]
    expect(verifyEnvelope({ ...signed, ...changes[pick % changes.length] }, keyA.publicKey)).toBe(false)
  })

  test.prop([envelope, fc.infiniteStream(fc.nat())])('the signature does not depend on the insertion order of body keys', (env, order) => {
    const body = env.body as { text: string; tags: Record<string, number> }
    const shuffledTags = Object.fromEntries(
      Object.entries(body.tags)
        .map((entry) => [entry, order.next().value as number] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([entry]) => entry),
    )
    const reordered = { ...env, body: { tags: shuffledTags, text: body.text } }
    expect(toHex(signEnvelope(reordered, keyA).sig!)).toBe(toHex(signEnvelope(env, keyA).sig!))
    expect(verifyEnvelope({ ...reordered, sig: signEnvelope(env, keyA).sig! }, keyA.publicKey)).toBe(true)
  })

  test('does not verify under another key, or with a garbage key', () => {
    const signed = signEnvelope({ v: 1, id: 'a#1', from: 'a', to: 'b', kind: 'test.note', at: 1, body: { text: 'hi', tags: {} } }, keyA)
    expect(verifyEnvelope(signed, keyB.publicKey)).toBe(false)
    expect(verifyEnvelope(signed, new Uint8Array(5))).toBe(false)
    expect(verifyEnvelope(signed, new Uint8Array(32).fill(0xff))).toBe(false)
  })

  test('re-signing replaces the signature', () => {
    const env: Envelope = { v: 1, id: 'a#1', from: 'a', to: 'b', kind: 'test.note', at: 1, body: { text: 'hi', tags: {} } }
    const twice = signEnvelope(signEnvelope(env, keyA), keyB)
    expect(verifyEnvelope(twice, keyB.publicKey)).toBe(true)
    expect(verifyEnvelope(twice, keyA.publicKey)).toBe(false)
  })

  test('unsigned or unencodable envelopes do not verify, and do not throw', () => {
    const env: Envelope = { v: 1, id: 'a#1', from: 'a', to: 'b', kind: 'test.note', at: 1, body: { text: 'hi', tags: {} } }
    expect(verifyEnvelope(env, keyA.publicKey)).toBe(false)
    const signed = signEnvelope(env, keyA)
    expect(verifyEnvelope({ ...signed, body: { text: NaN } }, keyA.publicKey)).toBe(false)
  })
})
