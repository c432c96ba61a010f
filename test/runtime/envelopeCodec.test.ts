import { fc, test } from '@fast-check/vitest'
import { encode, rfc8949EncodeOptions } from 'cborg'
import { Either, Schema } from 'effect'
import { describe, expect } from 'vitest'
import { decodeStrict, encodeCanonical } from '../../src/runtime/codec/cbor.ts'
import { decodeEnvelope, encodeEnvelope } from '../../src/runtime/codec/envelopeCodec.ts'
import type { DecodeError, DecodeFailure } from '../../src/runtime/codec/errors.ts'
import { ENVELOPE_VERSION } from '../../src/runtime/envelope.ts'
import type { Envelope } from '../../src/runtime/envelope.ts'
import { KindRegistry } from '../../src/runtime/kinds.ts'

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

const Ping = Schema.Struct({
  seq: Schema.Number,
  updates: Schema.Array(Schema.Struct({ member: Schema.String, status: Schema.Literal('alive', 'suspect', 'dead'), incarnation: Schema.Number })),
})
const Blob = Schema.Struct({ name: Schema.String, data: Schema.Uint8ArrayFromSelf, note: Schema.optional(Schema.String) })
const registry = new KindRegistry().register({ 'membership.ping': Ping, 'store.blob': Blob })
const MAX_BYTES = 64 * 1024

const ping: Envelope = {
  v: ENVELOPE_VERSION,
  id: 'node-1#123',
  from: 'node-1',
  to: 'node-2',
  kind: 'membership.ping',
  at: 123_456_789,
  body: { seq: 123, updates: [{ member: 'member-12', status: 'alive', incarnation: 3 }] },
}

const pingBody = fc.record({
  seq: fc.maxSafeNat(),
  updates: fc.array(fc.record({ member: fc.string({ maxLength: 20 }), status: fc.constantFrom('alive', 'suspect', 'dead'), incarnation: fc.nat() }), { maxLength: 4 }),
})
const blobBody = fc.record({ name: fc.string({ maxLength: 20 }), data: fc.uint8Array({ maxLength: 100 }), note: fc.string({ maxLength: 10 }) }, { requiredKeys: ['name', 'data'] })

const envelope: fc.Arbitrary<Envelope> = fc
  .record(
    {
      id: fc.string({ maxLength: 30 }),
      from: fc.string({ maxLength: 20 }),
      to: fc.string({ maxLength: 20 }),
      at: fc.maxSafeNat(),
      message: fc.oneof(
        pingBody.map((body) => ({ kind: 'membership.ping', body })),
        blobBody.map((body) => ({ kind: 'store.blob', body })),
      ),
      re: fc.string({ maxLength: 30 }),
      sig: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    },
    { requiredKeys: ['id', 'from', 'to', 'at', 'message'] },
  )
  .map(({ message, ...fields }) => ({ v: ENVELOPE_VERSION, ...fields, ...message }))

const refusal = (bytes: Uint8Array, maxBytes = MAX_BYTES): DecodeError => {
  const result = decodeEnvelope(bytes, registry, maxBytes)
  if (Either.isRight(result)) throw new Error(`accepted ${JSON.stringify(result.right)}`)
  return result.left
}

/** The envelope's own fields, as a map: what encodeEnvelope must write. */
const wireFields = (env: Envelope): Record<string, unknown> => {
  const { v, id, from, to, kind, at, body, re, sig } = env
  return { v, id, from, to, kind, at, body, ...(re === undefined ? {} : { re }), ...(sig === undefined ? {} : { sig }) }
}

const encodeError = (encodeValue: () => unknown): string => {
  try {
    encodeValue()
  } catch (error) {
    return String(error)
  }
  throw new Error('encoded')
}

/** Bytes for an envelope-like map, bypassing encodeEnvelope's own field selection. */
const raw = (fields: Record<string, unknown>): Uint8Array => encodeCanonical({ ...ping, ...fields })

describe('envelope codec', () => {
  test.prop([envelope], { numRuns: 300 })('decodes what it encoded', (env) => {
    expect(Either.getOrThrow(decodeEnvelope(encodeEnvelope(env), registry, MAX_BYTES))).toEqual(env)
  })

  test.prop([envelope, envelope])('encodes equal envelopes to equal bytes and different ones to different bytes', (a, b) => {
    const same = JSON.stringify(a, (_, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)) === JSON.stringify(b, (_, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))
    // JSON.stringify is sensitive to key order, so only trust it when it says "same".
    if (same) expect(toHex(encodeEnvelope(a))).toBe(toHex(encodeEnvelope(b)))
    if (toHex(encodeEnvelope(a)) === toHex(encodeEnvelope(b))) expect(a).toEqual(b)
  })

  test.prop([envelope], { numRuns: 300 })('writes the fields in the order cborg sorts them', (env) => {
    expect(toHex(encodeEnvelope(env))).toBe(toHex(encode(wireFields(env), rfc8949EncodeOptions)))
  })

  test('refuses a field without a canonical form as the generic encoder does, at the same byte', () => {
    for (const broken of [{ ...ping, id: undefined }, { ...ping, at: NaN }, { ...ping, body: { seq: 1n << 64n } }, { ...ping, sig: Symbol('s') }, { ...ping, kind: '\uFEFFping' }]) {
      const env = broken as unknown as Envelope
      expect(encodeError(() => encodeEnvelope(env))).toBe(encodeError(() => encodeCanonical(wireFields(env))))
    }
  })

  test('leaves absent optional fields out rather than writing undefined', () => {
    const loose = { ...ping, re: undefined, sig: undefined } as unknown as Envelope
    const decoded = Either.getOrThrow(decodeEnvelope(encodeEnvelope(loose), registry, MAX_BYTES))
    expect(Object.keys(decoded).sort()).toEqual(['at', 'body', 'from', 'id', 'kind', 'to', 'v'])
    expect(toHex(encodeEnvelope(loose))).toBe(toHex(encodeEnvelope(ping)))
  })

  test('writes only envelope fields, whatever else the object carries', () => {
    const carrying = { ...ping, receivedAt: 5, route: ['a'] } as Envelope
    expect(toHex(encodeEnvelope(carrying))).toBe(toHex(encodeEnvelope(ping)))
  })

  test.prop([envelope], { numRuns: 300 })('decodes to the value the general decoder reads from the same bytes, key order included', (env) => {
    const bytes = encodeEnvelope(env)
    const decoded = Either.getOrThrow(decodeEnvelope(bytes, registry, MAX_BYTES))
    const general = Either.getOrThrow(decodeStrict(bytes, MAX_BYTES)) as Envelope
    expect(decoded).toStrictEqual(general)
    expect(Object.keys(decoded)).toEqual(Object.keys(general))
  })

  test('encoded envelopes share ArrayBuffers in ranges that never overlap, and keep their bytes', () => {
    const envelopes = Array.from({ length: 1000 }, (_, i): Envelope => ({ ...ping, id: `node-1#${i}` }))
    const pieces = envelopes.map(encodeEnvelope)
    for (let i = 1; i < pieces.length; i++) {
      const [a, b] = [pieces[i - 1]!, pieces[i]!]
      if (a.buffer === b.buffer) expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.length)
    }
    expect(new Set(pieces.map((piece) => piece.buffer)).size).toBeLessThan(10)
    pieces.forEach((piece, i) => expect(toHex(piece)).toBe(toHex(encodeCanonical(wireFields(envelopes[i]!)))))
  })

  test('a typical ping is about 130 bytes', () => {
    expect(encodeEnvelope(ping).length).toBe(134)
  })
})

describe('decodeEnvelope refuses with a reason', () => {
  const cases: ReadonlyArray<readonly [string, Uint8Array, DecodeFailure, RegExp]> = [
    ['an unknown kind', raw({ kind: 'membership.pong' }), 'unknown-kind', /"membership\.pong"/],
    ['an extra field', raw({ extra: 1 }), 'not-an-envelope', /unexpected field "extra"/],
    ['another version', raw({ v: 2 }), 'unsupported-version', /version 2; this node speaks version 1/],
    ['a version that is not a number', raw({ v: '1' }), 'not-an-envelope', /"v" is "1"/],
    ['a missing version', encodeCanonical({ ...ping, v: null }), 'not-an-envelope', /"v" is null/],
    ['a missing id', encodeCanonical(Object.fromEntries(Object.entries(ping).filter(([k]) => k !== 'id'))), 'not-an-envelope', /"id" is missing/],
    ['a missing body', encodeCanonical(Object.fromEntries(Object.entries(ping).filter(([k]) => k !== 'body'))), 'not-an-envelope', /"body" is missing/],
    ['a numeric from', raw({ from: 7 }), 'not-an-envelope', /"from" is 7/],
    ['a negative at', raw({ at: -1 }), 'not-an-envelope', /"at" is -1/],
    ['a fractional at', raw({ at: 1.5 }), 'not-an-envelope', /"at" is 1\.5/],
    ['a huge at', raw({ at: 2n ** 63n }), 'not-an-envelope', /"at" is 9223372036854775808/],
    ['a numeric re', raw({ re: 3 }), 'not-an-envelope', /"re" is 3/],
    ['a short signature', raw({ sig: new Uint8Array(63) }), 'not-an-envelope', /"sig" is 63 bytes, not 64 bytes/],
    ['a text signature', raw({ sig: 'x'.repeat(64) }), 'not-an-envelope', /"sig" is "x+…", not 64 bytes/],
    ['an array', encodeCanonical([1, 2]), 'not-an-envelope', /an array, not a map/],
    ['a number', encodeCanonical(5), 'not-an-envelope', /5, not a map/],
    ['non-canonical bytes', Uint8Array.from([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02]), 'non-canonical', /out of order/],
  ]
  for (const [name, bytes, reason, detail] of cases) {
    test(`${name} → ${reason}`, () => {
      const error = refusal(bytes)
      expect(error.reason).toBe(reason)
      expect(error.detail).toMatch(detail)
      expect(error.size).toBe(bytes.length)
    })
  }

  test('oversize, before decoding anything', () => {
    const bytes = encodeEnvelope(ping)
    expect(Either.isRight(decodeEnvelope(bytes, registry, bytes.length))).toBe(true)
    expect(refusal(bytes, bytes.length - 1).reason).toBe('oversize')
  })

  test('a body its schema refuses, with a detail that says where and why', () => {
    const error = refusal(raw({ body: { seq: 1, updates: [{ member: 'm', status: 'zombie', incarnation: 0 }] } }))
    expect(error.reason).toBe('schema')
    expect(error.detail).toContain('"membership.ping"')
    expect(error.detail).toContain('["updates"]')
    expect(error.detail).toContain('["status"]')
    expect(error.detail).toContain('actual "zombie"')
    expect(error.message).toBe(
      `cannot decode ${error.size} bytes (schema): the body does not match the schema of "membership.ping" at body.updates[0].status: Expected "alive", actual "zombie"`,
    )
  })

  test('a body missing a field names the field', () => {
    const error = refusal(raw({ kind: 'store.blob', body: { data: new Uint8Array(3) } }))
    expect(error.reason).toBe('schema')
    expect(error.detail).toMatch(/\["name"\][\s\S]*is missing/)
  })
})

describe('hostile envelope bytes', () => {
  test.prop([envelope, fc.nat(), fc.nat({ max: 255 }), fc.constantFrom('flip', 'set', 'truncate')], { numRuns: 3000 })(
    'mutations never throw; anything accepted re-encodes to the same bytes and passes its schema',
    (env, at, value, how) => {
      const bytes = encodeEnvelope(env).slice()
      const index = at % bytes.length
      let mutated = bytes
      if (how === 'flip') bytes[index] = bytes[index]! ^ (1 << value % 8)
      else if (how === 'set') bytes[index] = value
      else mutated = bytes.subarray(0, index)
      const result = decodeEnvelope(mutated, registry, MAX_BYTES)
      if (Either.isRight(result)) {
        expect(toHex(encodeEnvelope(result.right))).toBe(toHex(mutated))
        expect(registry.guard(result.right.kind)?.(result.right.body)).toBe(true)
      }
    },
  )
})
