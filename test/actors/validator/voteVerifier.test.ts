import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { ValidatorIdentities } from '../../../src/actors/validator/identities.ts'
import { voteVerifier } from '../../../src/actors/validator/voteVerifier.ts'
import type { VoteSignDocument } from '../../../src/protocols/tendermint/index.ts'
import { encodeCanonical } from '../../../src/runtime/codec/cbor.ts'
import { signingKeyFromSeed, verifySignature, type SigningKey } from '../../../src/runtime/crypto/ed25519.ts'
import { directoryOf } from '../../../src/runtime/directory.ts'
import type { KeyService } from '../../../src/runtime/services.ts'
import { PROPERTY_SEED } from '../../support/propertySample.ts'

/**
 * The vote verifier keeps the answers of every validator of a process in one memo. Its
 * answer must always be the direct one: ed25519 over the canonical document, with the key
 * of the validator the address names.
 */

const ROLE = 'validator'

/** The identities a validator builds from its directory and key service, for validators with these keys. */
const identitiesOf = (keys: ReadonlyMap<string, SigningKey>): ValidatorIdentities => {
  const directory = directoryOf([...keys.keys()].map((id) => ({ id, role: ROLE })))
  const own = [...keys.values()][0]!
  const keyService: KeyService = { publicKey: own.publicKey, sign: own.sign, publicKeyOf: (name) => keys.get(name)?.publicKey }
  return new ValidatorIdentities(directory, keyService, ROLE)
}

const keyOf = (seed: number): SigningKey => signingKeyFromSeed(new Uint8Array(32).fill(seed))
const network = new Map([0, 1, 2].map((i) => [`validator-${i}`, keyOf(i + 1)]))
const identities = identitiesOf(network)
const validator = (i: number) => identities.named(`validator-${i}`)!
const keyOfValidator = (i: number): SigningKey => network.get(`validator-${i}`)!

/** What the memo stands for. */
const direct = (ids: ValidatorIdentities, address: string, document: VoteSignDocument, sig: Uint8Array): boolean => {
  const identity = ids.withAddress(address)
  return identity !== undefined && verifySignature(identity.publicKey, encodeCanonical(document), sig)
}

const signDocument = (key: SigningKey, document: VoteSignDocument): Uint8Array => key.sign(encodeCanonical(document))

const baseDocument = (height: number): VoteSignDocument => ({
  chainId: 'strata-test',
  type: 'precommit',
  height,
  round: 0,
  blockId: 'ab'.repeat(32),
  timestamp: 1_700_000_000_000_000 + height,
})

const flipBit = (source: Uint8Array, index: number, bit: number): Uint8Array => {
  const out = source.slice()
  out[index] = out[index]! ^ (1 << bit)
  return out
}

/** Each field of the document changed, one at a time. */
const eachFieldChanged = (d: VoteSignDocument): VoteSignDocument[] => [
  { ...d, chainId: `${d.chainId}-other` },
  { ...d, type: d.type === 'precommit' ? 'prevote' : 'precommit' },
  { ...d, height: d.height + 1 },
  { ...d, round: d.round + 1 },
  { ...d, blockId: 'cd'.repeat(32) },
  { ...d, blockId: null },
  { ...d, timestamp: d.timestamp + 1 },
]

describe('voteVerifier', () => {
  const verify = voteVerifier(identities)

  test('accepts a validator’s vote, as often as it is asked and by every validator of the process', () => {
    const document = baseDocument(1)
    const sig = signDocument(keyOfValidator(0), document)
    expect(direct(identities, validator(0).address, document, sig)).toBe(true)
    for (let i = 0; i < 3; i++) expect(verify(validator(0).address, document, sig)).toBe(true)
    // Another validator of the process, with its own identities: an equal document in another object.
    const verifyElsewhere = voteVerifier(identitiesOf(network))
    expect(verifyElsewhere(validator(0).address, { ...document }, sig.slice())).toBe(true)
  })

  test('a signature for one document does not verify a document that differs in any one field', () => {
    const document = baseDocument(2)
    const sig = signDocument(keyOfValidator(0), document)
    for (const changed of eachFieldChanged(document)) {
      // The valid answer is remembered for this signature (a miss replaces it, so ask each time).
      expect(verify(validator(0).address, document, sig)).toBe(true)
      expect(direct(identities, validator(0).address, changed, sig)).toBe(false)
      expect(verify(validator(0).address, changed, sig)).toBe(false)
    }
  })

  test('a rejection is not remembered against the document the signature is valid for', () => {
    const document = baseDocument(3)
    const sig = signDocument(keyOfValidator(0), document)
    for (const changed of eachFieldChanged(document)) {
      expect(verify(validator(0).address, changed, sig)).toBe(false)
      expect(verify(validator(0).address, document, sig)).toBe(true)
    }
    expect(verify(validator(1).address, document, sig)).toBe(false)
    expect(verify(validator(0).address, document, sig)).toBe(true)
  })

  test('a vote signed by one validator does not verify as another’s', () => {
    const document = baseDocument(4)
    const sig = signDocument(keyOfValidator(0), document)
    expect(verify(validator(0).address, document, sig)).toBe(true)
    expect(verify(validator(1).address, document, sig)).toBe(false)
    expect(verify(validator(0).address, document, sig)).toBe(true)
    expect(verify(validator(2).address, document, sig)).toBe(false)
    // An address no validator has.
    expect(verify('00'.repeat(20), document, sig)).toBe(false)
  })

  test('a forged signature sharing the first bytes of a remembered valid one does not verify', () => {
    const document = baseDocument(5)
    const sig = signDocument(keyOfValidator(1), document)
    for (const forged of [flipBit(sig, 63, 0), flipBit(sig, 40, 5), flipBit(sig, 4, 0), flipBit(sig, 3, 7), flipBit(sig, 3, 6)]) {
      expect(verify(validator(1).address, document, sig)).toBe(true)
      expect(direct(identities, validator(1).address, document, forged)).toBe(false)
      expect(verify(validator(1).address, document, forged)).toBe(false)
    }
    expect(verify(validator(1).address, document, sig.subarray(0, 63))).toBe(false)
    expect(verify(validator(1).address, document, sig)).toBe(true)
  })

  test('a caller that changes its document or signature buffer after asking gets answers about the new contents', () => {
    const document = { ...baseDocument(6) } as { -readonly [K in keyof VoteSignDocument]: VoteSignDocument[K] }
    const sig = signDocument(keyOfValidator(2), document)
    expect(verify(validator(2).address, document, sig)).toBe(true)
    document.round = 1
    expect(verify(validator(2).address, document, sig)).toBe(false)
    document.round = 0
    expect(verify(validator(2).address, document, sig)).toBe(true)
    sig[10] = sig[10]! ^ 1
    expect(verify(validator(2).address, document, sig)).toBe(false)
    sig[10] = sig[10]! ^ 1
    expect(verify(validator(2).address, document, sig)).toBe(true)
  })

  test('validators of another network in the same process get their own answers', () => {
    // Same node names, other keys: other addresses.
    const otherNetwork = new Map([0, 1, 2].map((i) => [`validator-${i}`, keyOf(i + 11)]))
    const otherIdentities = identitiesOf(otherNetwork)
    const verifyOther = voteVerifier(otherIdentities)
    const document = baseDocument(7)
    const sig = signDocument(keyOfValidator(0), document)
    const otherSig = signDocument(otherNetwork.get('validator-0')!, document)
    expect(verify(validator(0).address, document, sig)).toBe(true)
    expect(verifyOther(validator(0).address, document, sig)).toBe(false)
    expect(verifyOther(otherIdentities.named('validator-0')!.address, document, sig)).toBe(false)
    expect(verifyOther(otherIdentities.named('validator-0')!.address, document, otherSig)).toBe(true)
    expect(verify(validator(0).address, document, otherSig)).toBe(false)
  })

  /**
   * Questions drawn from a small space, so that the same signatures and documents come
   * back often: who signed, whose address is claimed, the document signed and the one
   * asked about (each field from two values), and maybe one flipped signature bit.
   */
  const documentArb = fc.record({
    chainId: fc.constantFrom('chain-a', 'chain-b'),
    type: fc.constantFrom('prevote' as const, 'precommit' as const),
    height: fc.constantFrom(1, 2),
    round: fc.constantFrom(0, 1),
    blockId: fc.constantFrom('ab'.repeat(32), null),
    timestamp: fc.constantFrom(10, 11),
  })
  const question = fc.record({
    signer: fc.nat(2),
    claimed: fc.nat(3),
    signed: documentArb,
    asked: fc.option(documentArb, { freq: 2 }),
    flip: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ index: fc.nat(63), bit: fc.nat(7) }) }),
  })

  propertyTest.prop([fc.array(question, { minLength: 1, maxLength: 10 })], { seed: PROPERTY_SEED, numRuns: 60 })(
    'always answers what the direct check answers',
    (questions) => {
      for (const q of questions) {
        const sig = signDocument(keyOfValidator(q.signer), q.signed)
        const asked = q.asked ?? q.signed
        const address = q.claimed === 3 ? 'ff'.repeat(20) : validator(q.claimed).address
        const tampered = q.flip === null ? sig : flipBit(sig, q.flip.index, q.flip.bit)
        expect(verify(address, asked, tampered)).toBe(direct(identities, address, asked, tampered))
      }
    },
  )
})
