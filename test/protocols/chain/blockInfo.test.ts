import { describe, expect, test } from 'vitest'
import { blockIdOf } from '../../../src/protocols/chain/block.ts'
import { blockInfoOf } from '../../../src/protocols/chain/blockInfo.ts'
import { duplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import { chainOf, precommit, pubKeyOf, validatorSet } from './fixtures.ts'

const set = validatorSet([10n, 20n, 30n, 40n])
const { blocks } = chainOf(set, 2)

describe('blockInfoOf', () => {
  test('height 1: no last commit to report', () => {
    const b = blocks[0]!
    expect(blockInfoOf(b, null, pubKeyOf)).toEqual({
      height: 1,
      time: b.header.time,
      proposerPubKey: pubKeyOf(b.header.proposerAddress),
      lastCommit: [],
      misbehavior: [],
    })
  })

  test('later heights: who signed the last block, and the double signers in the evidence', () => {
    const b = blocks[1]!
    const id = blockIdOf(blocks[0]!)
    const evidence = duplicateVoteEvidence(
      precommit(set, 2, { height: 1, round: 0, blockId: id, timestamp: 1 }),
      precommit(set, 2, { height: 1, round: 0, blockId: null, timestamp: 2 }),
      20n,
      100n,
      123,
    )
    const info = blockInfoOf({ ...b, evidence: [evidence] }, set, pubKeyOf)
    expect(info.lastCommit.map((v) => [v.pubKey, v.power, v.signed])).toEqual(set.validators.map((v) => [pubKeyOf(v.address), v.power, true]))
    expect(info.misbehavior).toEqual([
      { type: 'duplicate-vote', pubKey: pubKeyOf(set.validators[2]!.address), height: 1, time: 123, totalVotingPower: 100n },
    ])
  })

  test('one block asked about with another last set or another key lookup gets the info for those', () => {
    const b = blocks[1]!
    const reweighed = validatorSet([40n, 30n, 20n, 10n])
    const otherKeys = (address: string) => `other-${address}`
    const powersOf = (info: ReturnType<typeof blockInfoOf>) => info.lastCommit.map((v) => [v.pubKey, v.power])
    const first = blockInfoOf(b, set, pubKeyOf)
    expect(powersOf(blockInfoOf(b, reweighed, pubKeyOf))).toEqual(reweighed.validators.map((v) => [pubKeyOf(v.address), v.power]))
    expect(blockInfoOf(b, set, otherKeys).proposerPubKey).toBe(otherKeys(b.header.proposerAddress))
    expect(blockInfoOf(b, null, pubKeyOf).lastCommit).toEqual([])
    expect(blockInfoOf(b, set, pubKeyOf)).toEqual(first)
    expect(powersOf(first)).toEqual(set.validators.map((v) => [pubKeyOf(v.address), v.power]))
  })
})
