import { fc, test as propertyTest } from '@fast-check/vitest'
import { Either } from 'effect'
import { describe, expect, test } from 'vitest'
import { blockIdOf, buildBlock, decodeBlock, lastCommitHash, txsHash, type Block, type BlockHeader } from '../../../src/protocols/chain/block.ts'
import { expectedBlockTime } from '../../../src/protocols/chain/blockTime.ts'
import { checkBlock, checkSyncedBlock } from '../../../src/protocols/chain/checkBlock.ts'
import { duplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import { decodeStrict, encodeCanonical } from '../../../src/runtime/codec/cbor.ts'
import { addressOf, chainOf, CHAIN_ID, commitOf, expectationsFor, GENESIS_TIME, precommit, validatorSet, verify } from './fixtures.ts'

const set = validatorSet([10n, 20n, 30n, 40n])
const { blocks, commits } = chainOf(set, 3, (h) => [{ type: 'kv.set', key: `k${h}`, value: 'v' }])
const block = (height: number): Block => blocks[height - 1]!

const withHeader = (b: Block, change: Partial<BlockHeader>): Block => ({ ...b, header: { ...b.header, ...change } })

const evidence = duplicateVoteEvidence(
  precommit(set, 1, { height: 1, round: 0, blockId: blockIdOf(block(1)), timestamp: GENESIS_TIME }),
  precommit(set, 1, { height: 1, round: 0, blockId: null, timestamp: GENESIS_TIME }),
  20n,
  100n,
  GENESIS_TIME,
)

describe('a block built by buildBlock', () => {
  test('passes the checks of every height it was built for', () => {
    for (const height of [1, 2, 3]) expect(checkBlock(block(height), expectationsFor(set, blocks, height))).toBeUndefined()
  })

  test('survives the wire: powers that come back as numbers decode to bigints, and the id is unchanged', () => {
    const withEvidence = buildBlock({ ...partsOf(block(2)), evidence: [evidence] })
    const bytes = encodeCanonical(withEvidence)
    const value = Either.getOrThrow(decodeStrict(bytes, 1 << 20)) as { evidence: { validatorPower: unknown }[] }
    expect(typeof value.evidence[0]!.validatorPower).toBe('number')
    const decoded = Either.getOrThrow(decodeBlock(value))
    expect(decoded).toEqual(withEvidence)
    expect(blockIdOf(decoded)).toBe(blockIdOf(withEvidence))
  })

  test('decoding refuses fields the schema does not know, and malformed fields', () => {
    expect(Either.isLeft(decodeBlock({ ...block(1), extra: 1 }))).toBe(true)
    expect(Either.isLeft(decodeBlock(withHeader(block(1), { height: 0 })))).toBe(true)
    expect(Either.isLeft(decodeBlock({ ...block(1), txs: [{ type: 'no-prefix' }] }))).toBe(true)
  })
})

/** Every header field, each with a way to make it different. */
const headerMutations: { [K in keyof BlockHeader]: (value: BlockHeader[K], salt: number) => BlockHeader[K] } = {
  chainId: (v, salt) => `${v}-${salt}`,
  height: (v, salt) => v + 1 + salt,
  time: (v, salt) => v + 1 + salt,
  lastBlockId: (v, salt) => (v === null ? 'ab'.repeat(32) : salt % 2 === 0 ? null : flipHex(v)),
  proposerAddress: (v, salt) => (v === addressOf(salt % 4) ? addressOf(4) : addressOf(salt % 4)),
  validatorsHash: (v) => flipHex(v),
  nextValidatorsHash: (v) => flipHex(v),
  appHash: (v, salt) => `${v}/${salt}`,
  txsHash: (v) => flipHex(v),
  evidenceHash: (v) => flipHex(v),
  lastCommitHash: (v) => flipHex(v),
}
const flipHex = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1)

const partsOf = (b: Block) => ({
  ...b.header,
  validators: set.validators,
  nextValidators: set.validators,
  txs: b.txs,
  evidence: b.evidence,
  lastCommit: b.lastCommit,
})

describe('each check fails on a single mutation', () => {
  const field = fc.constantFrom(...(Object.keys(headerMutations) as (keyof BlockHeader)[]))

  propertyTest.prop([fc.integer({ min: 1, max: 3 }), field, fc.nat(100)])('of a header field', (height, key, salt) => {
    const original = block(height)
    const mutate = headerMutations[key] as (value: unknown, salt: number) => BlockHeader[typeof key]
    const mutated = withHeader(original, { [key]: mutate(original.header[key], salt) })
    expect(mutated.header[key]).not.toEqual(original.header[key])
    expect(checkBlock(mutated, expectationsFor(set, blocks, height))).toBeTypeOf('string')
  })

  test('of the contents the header hashes', () => {
    const b = block(2)
    const expectations = expectationsFor(set, blocks, 2)
    expect(checkBlock({ ...b, txs: [] }, expectations)).toMatch(/txsHash/)
    expect(checkBlock({ ...b, evidence: [evidence] }, expectations)).toMatch(/evidenceHash/)
    expect(checkBlock({ ...b, lastCommit: { ...b.lastCommit!, round: 1 } }, expectations)).toMatch(/lastCommitHash/)
  })

  test('of the lastCommit, with the header hash following it', () => {
    const b = block(3)
    const expectations = expectationsFor(set, blocks, 3)
    const recommitted = (lastCommit: Block['lastCommit']): Block => ({
      ...withHeader(b, { lastCommitHash: lastCommitHash(lastCommit) }),
      lastCommit,
    })
    // The two strongest validators (70 of 100) signed: enough. Two weakest (30): not.
    const strong = commitOf(set, 2, blockIdOf(block(2)), { signers: [0, 1] })
    const weak = commitOf(set, 2, blockIdOf(block(2)), { signers: [2, 3] })
    expect(checkBlock(withHeader(recommitted(strong), { time: expectedBlockTime(strong, set, GENESIS_TIME)! }), expectations)).toBeUndefined()
    expect(checkBlock(withHeader(recommitted(weak), { time: expectedBlockTime(weak, set, GENESIS_TIME)! }), expectations)).toMatch(/power/)
    expect(checkBlock(recommitted(commitOf(set, 2, blockIdOf(block(1)))), expectations)).toMatch(/another block/)
    expect(checkBlock(recommitted(commitOf(set, 1, blockIdOf(block(2)))), expectations)).toMatch(/height 1/)
    expect(checkBlock(recommitted(null), expectations)).toMatch(/missing/)
    expect(checkBlock({ ...withHeader(block(1), { lastCommitHash: lastCommitHash(commits[0]!) }), lastCommit: commits[0]! }, expectationsFor(set, blocks, 1))).toMatch(/height 1/)
  })

  test('of the evidence, which the pool judges, and which appears once', () => {
    const withEvidence = (list: Block['evidence']) => buildBlock({ ...partsOf(block(2)), evidence: list })
    const expectations = expectationsFor(set, blocks, 2)
    expect(checkBlock(withEvidence([evidence]), expectations)).toBeUndefined()
    expect(checkBlock(withEvidence([evidence]), { ...expectations, checkEvidence: () => 'expired' })).toMatch(/expired/)
    expect(checkBlock(withEvidence([evidence, evidence]), expectations)).toMatch(/twice/)
  })

  test('a validator set that differs only in powers is another set', () => {
    const reweighed = validatorSet([10n, 20n, 30n, 41n])
    expect(reweighed.validators.map((v) => v.address)).toEqual(set.validators.map((v) => v.address))
    expect(checkBlock(block(2), { ...expectationsFor(set, blocks, 2), validators: reweighed })).toMatch(/validatorsHash/)
    expect(checkBlock(block(2), { ...expectationsFor(set, blocks, 2), nextValidators: reweighed })).toMatch(/nextValidatorsHash/)
  })

  test('a re-proposed block passes when its maker is among the allowed proposers', () => {
    const expectations = expectationsFor(set, blocks, 2)
    const other = addressOf(0) === block(2).header.proposerAddress ? addressOf(1) : addressOf(0)
    expect(checkBlock(block(2), { ...expectations, proposers: [other] })).toMatch(/may not propose/)
    expect(checkBlock(block(2), { ...expectations, proposers: [other, block(2).header.proposerAddress] })).toBeUndefined()
  })
})

describe('BFT time', () => {
  test('is the power-weighted median of the lastCommit timestamps, nil precommits included', () => {
    const powers = validatorSet([10n, 20n, 30n, 40n])
    const at = (index: number, timestamp: number, blockId: string | null = 'ab'.repeat(32)) =>
      precommit(powers, index, { height: 1, round: 0, blockId, timestamp })
    const commit = (votes: ReturnType<typeof at>[]) => ({ height: 1, round: 0, blockId: 'ab'.repeat(32), signatures: votes })
    // Index 0 has power 40: with 40 + 30 voting at 5 and 20 + 10 at 9, the median is 5.
    expect(expectedBlockTime(commit([at(0, 5), at(1, 5), at(2, 9), at(3, 9)]), powers, 0)).toBe(5)
    expect(expectedBlockTime(commit([at(0, 9), at(1, 5, null), at(2, 5), at(3, 5)]), powers, 0)).toBe(5)
    expect(expectedBlockTime(null, null, 42)).toBe(42)
  })

  test('one commit object timed under two sets gets the median of each set, whichever was asked before', () => {
    const powers = validatorSet([10n, 20n, 30n, 40n])
    const reversed = validatorSet([40n, 30n, 20n, 10n])
    const at = (index: number, timestamp: number) => precommit(powers, index, { height: 1, round: 0, blockId: 'ab'.repeat(32), timestamp })
    const commit = { height: 1, round: 0, blockId: 'ab'.repeat(32), signatures: [at(0, 5), at(1, 5), at(2, 9), at(3, 9)] }
    // Under `reversed` the two votes at 5 carry 10 + 20 of 100: the median moves to 9.
    expect([powers, reversed, powers, reversed].map((set) => expectedBlockTime(commit, set, 0))).toEqual([5, 9, 5, 9])
  })
})

describe('a block fetched while catching up', () => {
  const expectations = (height: number) => ({
    chainId: CHAIN_ID,
    height,
    lastBlockId: height === 1 ? null : blockIdOf(block(height - 1)),
    validators: set,
    verify,
  })

  test('is accepted with the commit that decided it', () => {
    for (const height of [1, 2, 3]) expect(checkSyncedBlock(block(height), commits[height - 1]!, expectations(height))).toBeUndefined()
  })

  test('is refused with a commit for another block, too little power, or contents the header does not hash', () => {
    expect(checkSyncedBlock(block(2), commits[2]!, expectations(2))).toMatch(/commit 3/)
    expect(checkSyncedBlock(block(2), commitOf(set, 2, blockIdOf(block(1))), expectations(2))).toMatch(/another block/)
    expect(checkSyncedBlock(block(2), commitOf(set, 2, blockIdOf(block(2)), { signers: [3] }), expectations(2))).toMatch(/power/)
    const swapped = { ...block(2), txs: [{ type: 'kv.set', key: 'evil', value: 'v' }] }
    expect(txsHash(swapped.txs)).not.toBe(swapped.header.txsHash)
    expect(checkSyncedBlock(swapped, commits[1]!, expectations(2))).toMatch(/txsHash/)
    expect(checkSyncedBlock(block(2), commits[1]!, { ...expectations(2), validators: validatorSet([1n, 2n]) })).toMatch(/validatorsHash/)
    expect(checkSyncedBlock(block(2), commits[1]!, { ...expectations(2), lastBlockId: null })).toMatch(/lastBlockId/)
  })
})
