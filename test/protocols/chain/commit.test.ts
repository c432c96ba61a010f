import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { commitInfo, makeCommit, verifyCommit, type Commit } from '../../../src/protocols/chain/commit.ts'
import { CHAIN_ID, commitOf, precommit, pubKeyOf, signedVote, validatorSet, verify } from './fixtures.ts'

const BLOCK = 'ab'.repeat(32)
const OTHER = 'cd'.repeat(32)
const set = validatorSet([10n, 20n, 30n, 40n])
const at = { height: 5, round: 2, blockId: BLOCK, timestamp: 1_000 }
const full = commitOf(set, 5, BLOCK, { round: 2 })
const withSignatures = (signatures: Commit['signatures']): Commit => ({ ...full, signatures })

describe('verifyCommit', () => {
  propertyTest.prop([
    // Small unequal powers land on the 2/3 boundary often.
    fc.array(fc.record({ power: fc.bigInt({ min: 1n, max: 5n }), signs: fc.boolean() }), { minLength: 1, maxLength: 12 }),
  ])('accepts exactly when the signers hold more than 2/3 of the power', (validators) => {
    const powers = validatorSet(validators.map((v) => v.power))
    // validatorSet sorts by power; decide who signs by position in the sorted set.
    const signers = powers.validators.flatMap((_, i) => (validators[i]!.signs ? [i] : []))
    const signed = signers.reduce((sum, i) => sum + powers.validators[i]!.power, 0n)
    const result = verifyCommit(commitOf(powers, 5, BLOCK, { signers }), powers, CHAIN_ID, verify)
    expect(result === undefined).toBe(3n * signed > 2n * powers.totalPower)
  })

  test('one commit object asked about under another set, chain or check gets the answer for those', () => {
    const commit = commitOf(set, 5, BLOCK, { signers: [0, 1] })
    const stronger = validatorSet([40n, 30n, 20n, 10n])
    const rejectAll: typeof verify = () => false
    // Signers 0 and 1 hold 40 + 30 of 100 in `set`; under `stronger` the same addresses hold 10 + 20.
    const answers = [
      verifyCommit(commit, set, CHAIN_ID, verify),
      verifyCommit(commit, stronger, CHAIN_ID, verify),
      verifyCommit(commit, set, CHAIN_ID, rejectAll),
      verifyCommit(commit, set, 'another-chain', verify),
      verifyCommit(commit, set, CHAIN_ID, verify),
    ]
    expect(answers[0]).toBeUndefined()
    expect(answers[1]).toMatch(/not the validator at that index|power/)
    expect(answers[2]).toMatch(/invalid signature/)
    expect(answers[3]).toMatch(/invalid signature/)
    expect(answers[4]).toBeUndefined()
  })

  test('the boundary: 66 of 100 is not enough, 67 is', () => {
    const powers = validatorSet([66n, 34n])
    expect(verifyCommit(commitOf(powers, 5, BLOCK, { signers: [0] }), powers, CHAIN_ID, verify)).toMatch(/66 power/)
    const more = validatorSet([67n, 33n])
    expect(verifyCommit(commitOf(more, 5, BLOCK, { signers: [0] }), more, CHAIN_ID, verify)).toBeUndefined()
  })

  test('accepts a full commit, and nil precommits beside enough for the block', () => {
    expect(verifyCommit(full, set, CHAIN_ID, verify)).toBeUndefined()
    const nil = precommit(set, 3, { ...at, blockId: null })
    expect(verifyCommit(withSignatures([...full.signatures.slice(0, 3), nil]), set, CHAIN_ID, verify)).toBeUndefined()
  })

  test('nil precommits do not count toward the block', () => {
    const nils = [precommit(set, 0, { ...at, blockId: null }), ...full.signatures.slice(1)]
    // 40 of 100 for nil leaves 60 for the block: not above 2/3.
    expect(verifyCommit(withSignatures(nils), set, CHAIN_ID, verify)).toMatch(/power/)
  })

  test('refuses a forged signature, or one made for another chain', () => {
    const forged = { ...full.signatures[1]!, sig: new Uint8Array(32) }
    expect(verifyCommit(withSignatures([full.signatures[0]!, forged, ...full.signatures.slice(2)]), set, CHAIN_ID, verify)).toMatch(
      /index 1 has an invalid signature/,
    )
    const otherChain = precommit(set, 1, at, 'other-chain')
    expect(verifyCommit(withSignatures([full.signatures[0]!, otherChain, ...full.signatures.slice(2)]), set, CHAIN_ID, verify)).toMatch(
      /invalid signature/,
    )
  })

  test('refuses votes of another round or height, prevotes, and votes for another block', () => {
    const replace = (vote: Commit['signatures'][number]) => withSignatures([vote, ...full.signatures.slice(1)])
    expect(verifyCommit(replace(precommit(set, 0, { ...at, round: 1 })), set, CHAIN_ID, verify)).toMatch(/5\/1/)
    expect(verifyCommit(replace(precommit(set, 0, { ...at, height: 4 })), set, CHAIN_ID, verify)).toMatch(/4\/2/)
    const prevote = signedVote(CHAIN_ID, { ...at, type: 'prevote', validatorAddress: set.validators[0]!.address, validatorIndex: 0 })
    expect(verifyCommit(replace(prevote), set, CHAIN_ID, verify)).toMatch(/prevote/)
    expect(verifyCommit(replace(precommit(set, 0, { ...at, blockId: OTHER })), set, CHAIN_ID, verify)).toMatch(/another block/)
  })

  test('refuses a signer counted twice, out of order, or not at its index', () => {
    const [a, b, c, d] = full.signatures as [Commit['signatures'][number], ...Commit['signatures']]
    expect(verifyCommit(withSignatures([a, b!, b!, c!]), set, CHAIN_ID, verify)).toMatch(/duplicated/)
    expect(verifyCommit(withSignatures([b!, a, c!, d!]), set, CHAIN_ID, verify)).toMatch(/out of index order/)
    const misplaced = signedVote(CHAIN_ID, { ...at, type: 'precommit', validatorAddress: set.validators[0]!.address, validatorIndex: 4 })
    expect(verifyCommit(withSignatures([misplaced]), set, CHAIN_ID, verify)).toMatch(/not the validator at that index/)
  })
})

describe('makeCommit', () => {
  test('keeps precommits of the round for the block or nil, in index order', () => {
    const votes = [
      precommit(set, 3, at),
      precommit(set, 2, { ...at, blockId: OTHER }),
      precommit(set, 1, { ...at, blockId: null }),
      precommit(set, 0, { ...at, round: 1 }),
      precommit(set, 0, at),
    ]
    expect(makeCommit(5, 2, BLOCK, votes).signatures.map((v) => [v.validatorIndex, v.blockId])).toEqual([
      [0, BLOCK],
      [1, null],
      [3, BLOCK],
    ])
  })
})

describe('commitInfo', () => {
  test('lists every validator in index order with whether it signed the block', () => {
    const commit = withSignatures([precommit(set, 0, at), precommit(set, 2, { ...at, blockId: null }), precommit(set, 3, at)])
    expect(commitInfo(commit, set, pubKeyOf)).toEqual(
      set.validators.map((v, i) => ({ pubKey: pubKeyOf(v.address), power: v.power, signed: i === 0 || i === 3 })),
    )
  })
})
