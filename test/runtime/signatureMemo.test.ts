import { createHash } from 'node:crypto'
import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { signingKeyFromSeed, verifySignature } from '../../src/runtime/crypto/ed25519.ts'
import { sameBytes, SignatureMemo } from '../../src/runtime/crypto/signatureMemo.ts'
import { verifySignatureMemoized } from '../../src/runtime/crypto/verificationMemo.ts'
import { PROPERTY_SEED } from '../support/propertySample.ts'

/**
 * A signature memo must never change an answer: whatever it returns is what the direct
 * computation returns, and anything that differs from a remembered question in any byte
 * is computed afresh.
 */

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)
const withByte = (source: Uint8Array, index: number, value: number): Uint8Array => {
  const out = source.slice()
  out[index] = value
  return out
}
const flipBit = (source: Uint8Array, index: number, bit: number): Uint8Array => withByte(source, index, source[index]! ^ (1 << bit))

interface Answer {
  readonly signature: Uint8Array
  readonly question: string
  readonly valid: boolean
}
const forQuestion = (question: string) => (entry: Answer) => entry.question === question

/** A lookup as the memo's users make one: the entry kept for the signature, if the rest of the question matches. */
const findIn = (memo: SignatureMemo<Answer>, signature: Uint8Array, matches: (entry: Answer) => boolean): boolean | undefined => {
  const entry = memo.entryFor(signature)
  return entry !== undefined && matches(entry) ? entry.valid : undefined
}

describe('sameBytes', () => {
  test('is byte equality', () => {
    const a = bytes(1, 2, 3)
    expect(sameBytes(a, a)).toBe(true)
    expect(sameBytes(a, bytes(1, 2, 3))).toBe(true)
    expect(sameBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true)
    expect(sameBytes(a, bytes(1, 2, 4))).toBe(false)
    expect(sameBytes(a, bytes(0, 2, 3))).toBe(false)
    expect(sameBytes(a, bytes(1, 2))).toBe(false)
    expect(sameBytes(bytes(1, 2), a)).toBe(false)
    expect(sameBytes(a, bytes(1, 2, 3, 0))).toBe(false)
  })

  test('compares views by their own bytes, not their buffers', () => {
    const backing = bytes(9, 1, 2, 3, 9)
    expect(sameBytes(backing.subarray(1, 4), bytes(1, 2, 3))).toBe(true)
    expect(sameBytes(backing.subarray(0, 3), bytes(1, 2, 3))).toBe(false)
  })

  propertyTest.prop([fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })], { seed: PROPERTY_SEED })(
    'agrees with Buffer.equals',
    (a, b) => {
      expect(sameBytes(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)))
      expect(sameBytes(a, a.slice())).toBe(true)
    },
  )

  propertyTest.prop([fc.uint8Array({ minLength: 1, maxLength: 96 }), fc.nat(), fc.integer({ min: 1, max: 255 })], { seed: PROPERTY_SEED })(
    'sees a difference in any one byte, at any position of a long array',
    (a, at, delta) => {
      const i = at % a.length
      const b = withByte(a, i, (a[i]! + delta) & 0xff)
      expect(sameBytes(a, b)).toBe(false)
      expect(sameBytes(b, a)).toBe(false)
      expect(sameBytes(a, b.subarray(0, a.length))).toBe(false)
      expect(sameBytes(a, bytes(...a, 0))).toBe(false)
    },
  )
})

describe('SignatureMemo', () => {
  const signature = bytes(10, 20, 30, 40, 50, 60, 70, 80)

  test('finds nothing it was not told', () => {
    const memo = new SignatureMemo<Answer>(4)
    expect(findIn(memo, signature, () => true)).toBeUndefined()
  })

  test('gives back a remembered answer, false as well as true', () => {
    const memo = new SignatureMemo<Answer>(4)
    memo.remember({ signature, question: 'q', valid: true })
    const other = bytes(11, 20, 30, 40, 50, 60, 70, 80)
    memo.remember({ signature: other, question: 'q', valid: false })
    expect(findIn(memo, signature, forQuestion('q'))).toBe(true)
    expect(findIn(memo, other, forQuestion('q'))).toBe(false)
    // Found by content, not by the buffer it was remembered with.
    expect(findIn(memo, signature.slice(), forQuestion('q'))).toBe(true)
  })

  test('gives the remembered entry for its signature, which the caller then matches', () => {
    const memo = new SignatureMemo<Answer>(4)
    const entry = { signature, question: 'q', valid: true }
    memo.remember(entry)
    const seen: Answer[] = []
    expect(
      findIn(memo, signature, (e) => {
        seen.push(e)
        return false
      }),
    ).toBeUndefined()
    expect(seen).toEqual([entry])
    expect(findIn(memo, signature, forQuestion('another question'))).toBeUndefined()
  })

  test('a signature that shares its first bytes with a remembered one is not served its answer', () => {
    const memo = new SignatureMemo<Answer>(4)
    memo.remember({ signature, question: 'q', valid: true })
    // The last byte differs.
    expect(findIn(memo, flipBit(signature, 7, 0), () => true)).toBeUndefined()
    // Byte 3 differs only in its top two bits, which the slot does not use.
    expect(findIn(memo, flipBit(signature, 3, 7), () => true)).toBeUndefined()
    expect(findIn(memo, flipBit(signature, 3, 6), () => true)).toBeUndefined()
    // A prefix, and the signature with one more byte.
    expect(findIn(memo, signature.subarray(0, 4), () => true)).toBeUndefined()
    expect(findIn(memo, bytes(...signature, 0), () => true)).toBeUndefined()
    // Still there for the exact signature.
    expect(findIn(memo, signature, forQuestion('q'))).toBe(true)
  })

  test('signatures shorter than the slot are found only by themselves', () => {
    const memo = new SignatureMemo<Answer>(4)
    memo.remember({ signature: bytes(), question: 'q', valid: true })
    memo.remember({ signature: bytes(5), question: 'q', valid: false })
    expect(findIn(memo, bytes(), forQuestion('q'))).toBe(true)
    expect(findIn(memo, bytes(5), forQuestion('q'))).toBe(false)
    expect(findIn(memo, bytes(0), () => true)).toBeUndefined()
    expect(findIn(memo, bytes(5, 0), () => true)).toBeUndefined()
    expect(findIn(memo, bytes(5, 0, 0, 0), () => true)).toBeUndefined()
  })

  test('a newer answer in the same slot replaces the older one, and each is served only for its own signature', () => {
    const memo = new SignatureMemo<Answer>(4)
    const colliding = flipBit(signature, 7, 0)
    memo.remember({ signature, question: 'q', valid: true })
    memo.remember({ signature: colliding, question: 'q', valid: false })
    expect(findIn(memo, colliding, forQuestion('q'))).toBe(false)
    expect(findIn(memo, signature, forQuestion('q'))).toBeUndefined()
  })

  test('keeps at most `capacity` answers, dropping the oldest first', () => {
    const capacity = 5
    const memo = new SignatureMemo<Answer>(capacity)
    const signatureNo = (i: number) => bytes(i & 0xff, i >> 8, 7, 7, 1, 2)
    for (let i = 0; i < 100; i++) memo.remember({ signature: signatureNo(i), question: 'q', valid: i % 2 === 0 })
    const kept = Array.from({ length: 100 }, (_, i) => i).filter((i) => findIn(memo, signatureNo(i), forQuestion('q')) !== undefined)
    expect(kept).toEqual([95, 96, 97, 98, 99])
    for (const i of kept) expect(findIn(memo, signatureNo(i), forQuestion('q'))).toBe(i % 2 === 0)
  })

  /**
   * Against a model: signatures drawn from few byte values collide in their slot (the
   * first 30 bits) all the time, and each (signature, question) has its own answer. The
   * memo may forget anything, but must never answer wrongly, must answer what it was just
   * told, and must stay within its capacity.
   */
  const collidingSignature = fc
    .tuple(
      fc.array(fc.constantFrom(0, 1), { minLength: 3, maxLength: 3 }),
      fc.constantFrom(0, 1, 0x40, 0x80, 0xc1),
      fc.array(fc.constantFrom(0, 1), { maxLength: 2 }),
    )
    .map(([head, fourth, tail]) => bytes(...head, fourth, ...tail))
  const shortSignature = fc.array(fc.constantFrom(0, 1), { maxLength: 3 }).map((b) => bytes(...b))
  const truth = (signature: Uint8Array, question: string): boolean =>
    (createHash('sha256').update(signature).update(question).digest()[0]! & 1) === 1
  const operation = fc.record({
    remember: fc.boolean(),
    signature: fc.oneof({ weight: 4, arbitrary: collidingSignature }, { weight: 1, arbitrary: shortSignature }),
    question: fc.constantFrom('a', 'b'),
  })

  propertyTest.prop([fc.integer({ min: 1, max: 6 }), fc.array(operation, { maxLength: 60 })], { seed: PROPERTY_SEED, numRuns: 300 })(
    'never answers wrongly, however signatures collide',
    (capacity, operations) => {
      const memo = new SignatureMemo<Answer>(capacity)
      const told: Answer[] = []
      for (const { remember, signature, question } of operations) {
        if (remember) {
          const entry = { signature, question, valid: truth(signature, question) }
          memo.remember(entry)
          told.push(entry)
          expect(findIn(memo, signature.slice(), forQuestion(question))).toBe(entry.valid)
        } else {
          const answer = findIn(memo, signature, forQuestion(question))
          if (answer !== undefined) expect(answer).toBe(truth(signature, question))
        }
      }
      const distinct = new Map(told.map((e) => [`${Buffer.from(e.signature).toString('hex')}/${e.question}`, e]))
      const stillKnown = [...distinct.values()].filter((e) => findIn(memo, e.signature, forQuestion(e.question)) !== undefined)
      expect(stillKnown.length).toBeLessThanOrEqual(capacity)
    },
  )
})

describe('verifySignatureMemoized', () => {
  const alice = signingKeyFromSeed(new Uint8Array(32).fill(1))
  const bob = signingKeyFromSeed(new Uint8Array(32).fill(2))
  const message = (text: string): Uint8Array => new TextEncoder().encode(text)

  test('answers like verifySignature for a valid signature, every time it is asked', () => {
    const m = message('valid, asked repeatedly')
    const sig = alice.sign(m)
    expect(verifySignature(alice.publicKey, m, sig)).toBe(true)
    for (let i = 0; i < 3; i++) expect(verifySignatureMemoized(alice.publicKey, m, sig)).toBe(true)
    // Equal bytes in other buffers are the same question.
    expect(verifySignatureMemoized(alice.publicKey.slice(), m.slice(), sig.slice())).toBe(true)
  })

  test('a forged signature sharing the first bytes (the slot) of a remembered valid one does not verify', () => {
    const m = message('forged signature')
    const sig = alice.sign(m)
    for (const forged of [flipBit(sig, 63, 0), flipBit(sig, 32, 3), flipBit(sig, 4, 0), flipBit(sig, 3, 7), flipBit(sig, 3, 6)]) {
      // The valid answer is remembered in the slot (a miss replaces it, so ask each time).
      expect(verifySignatureMemoized(alice.publicKey, m, sig)).toBe(true)
      expect(verifySignature(alice.publicKey, m, forged)).toBe(false)
      expect(verifySignatureMemoized(alice.publicKey, m, forged)).toBe(false)
    }
    // Malformed lengths, with the valid signature's bytes as a prefix or extended.
    expect(verifySignatureMemoized(alice.publicKey, m, sig.subarray(0, 63))).toBe(false)
    expect(verifySignatureMemoized(alice.publicKey, m, bytes(...sig, 0))).toBe(false)
    expect(verifySignatureMemoized(alice.publicKey, m, sig)).toBe(true)
  })

  test('a signature valid for message A does not verify any other message', () => {
    const a = message('message A')
    const sig = alice.sign(a)
    const others = [flipBit(a, 0, 0), flipBit(a, a.length - 1, 0), a.subarray(0, a.length - 1), bytes(...a, 0), new Uint8Array(0), message('message B')]
    for (const b of others) {
      expect(verifySignatureMemoized(alice.publicKey, a, sig)).toBe(true)
      expect(verifySignature(alice.publicKey, b, sig)).toBe(false)
      expect(verifySignatureMemoized(alice.publicKey, b, sig)).toBe(false)
    }
    expect(verifySignatureMemoized(alice.publicKey, a, sig)).toBe(true)
  })

  test("a signature valid under one key does not verify under another, in either order of asking", () => {
    const m = message('which key')
    const sig = alice.sign(m)
    // The false answer first: it must not stick to the signature.
    expect(verifySignatureMemoized(bob.publicKey, m, sig)).toBe(false)
    expect(verifySignatureMemoized(alice.publicKey, m, sig)).toBe(true)
    expect(verifySignatureMemoized(bob.publicKey, m, sig)).toBe(false)
    expect(verifySignatureMemoized(flipBit(alice.publicKey, 31, 0), m, sig)).toBe(false)
    expect(verifySignatureMemoized(alice.publicKey.subarray(0, 31), m, sig)).toBe(false)
  })

  test('a false answer for one message does not stick to the signature for the message it is valid for', () => {
    const m = message('wrong message first')
    const sig = alice.sign(m)
    expect(verifySignatureMemoized(alice.publicKey, message('something else'), sig)).toBe(false)
    expect(verifySignatureMemoized(alice.publicKey, m, sig)).toBe(true)
  })

  test('a caller that reuses its buffers after asking gets answers about their new contents', () => {
    const m = message('reused buffers')
    const key = alice.publicKey.slice()
    const msg = m.slice()
    const sig = alice.sign(m)
    expect(verifySignatureMemoized(key, msg, sig)).toBe(true)
    msg[0] = msg[0]! ^ 1
    expect(verifySignatureMemoized(key, msg, sig)).toBe(false)
    msg[0] = msg[0]! ^ 1
    expect(verifySignatureMemoized(key, msg, sig)).toBe(true)
    key.set(bob.publicKey)
    expect(verifySignatureMemoized(key, msg, sig)).toBe(false)
    key.set(alice.publicKey)
    sig[63] = sig[63]! ^ 1
    expect(verifySignatureMemoized(key, msg, sig)).toBe(false)
    sig[63] = sig[63]! ^ 1
    expect(verifySignatureMemoized(key, msg, sig)).toBe(true)
  })

  /**
   * Random questions around a few valid (key, message, signature) triples, each part
   * possibly swapped for another's or changed in one bit, asked in random order: the
   * memoized answer is always the direct one.
   */
  const keys = [alice, bob]
  const messages = [message('m0'), message('a longer message, number one')]
  const signatures = keys.map((k) => messages.map((m) => k.sign(m)))
  const maybeFlip = (source: Uint8Array, flip: { index: number; bit: number } | null): Uint8Array =>
    flip === null || source.length === 0 ? source : flipBit(source, flip.index % source.length, flip.bit)
  /** Mostly none, sometimes one flipped bit. */
  const flip = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ index: fc.nat(63), bit: fc.nat(7) }) })
  const question = fc.record({
    key: fc.nat(keys.length - 1),
    message: fc.nat(messages.length - 1),
    signer: fc.nat(keys.length - 1),
    signed: fc.nat(messages.length - 1),
    flipKey: flip,
    flipMessage: flip,
    flipSignature: flip,
  })

  propertyTest.prop([fc.array(question, { minLength: 1, maxLength: 12 })], { seed: PROPERTY_SEED, numRuns: 100 })(
    'always answers what verifySignature answers',
    (questions) => {
      for (const q of questions) {
        const publicKey = maybeFlip(keys[q.key]!.publicKey, q.flipKey)
        const msg = maybeFlip(messages[q.message]!, q.flipMessage)
        const sig = maybeFlip(signatures[q.signer]![q.signed]!, q.flipSignature)
        expect(verifySignatureMemoized(publicKey, msg, sig)).toBe(verifySignature(publicKey, msg, sig))
      }
    },
  )
})
