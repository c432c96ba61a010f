import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { proposalSignDocument, tendermintKinds, voteSignDocument, type SignedProposal, type SignedVote } from '../../../src/protocols/tendermint/index.ts'

const vote: SignedVote = {
  type: 'precommit',
  height: 3,
  round: 1,
  blockId: 'ab12',
  timestamp: 1_000,
  validatorAddress: '0a0b',
  validatorIndex: 2,
  sig: new Uint8Array(64),
}

const proposal: SignedProposal = {
  height: 3,
  round: 2,
  polRound: 1,
  blockId: 'ab12',
  timestamp: 1_000,
  proposerAddress: '0a0b',
  block: new Uint8Array([1, 2, 3]),
  sig: new Uint8Array(64),
}

describe('wire kinds', () => {
  const isVote = Schema.is(tendermintKinds['tendermint.vote'])
  const isProposal = Schema.is(tendermintKinds['tendermint.proposal'])

  test('well-formed votes and proposals pass', () => {
    expect(isVote(vote)).toBe(true)
    expect(isVote({ ...vote, blockId: null })).toBe(true)
    expect(isProposal(proposal)).toBe(true)
    expect(isProposal({ ...proposal, polRound: -1 })).toBe(true)
  })

  test('malformed ones are refused', () => {
    expect(isVote({ ...vote, type: 'proposal' })).toBe(false)
    expect(isVote({ ...vote, height: 0 })).toBe(false)
    expect(isVote({ ...vote, round: -1 })).toBe(false)
    expect(isVote({ ...vote, blockId: '' })).toBe(false)
    expect(isVote({ ...vote, validatorAddress: 'AB' })).toBe(false)
    expect(isVote({ ...vote, sig: [0, 1] })).toBe(false)
    expect(isProposal({ ...proposal, polRound: 2 })).toBe(false)
    expect(isProposal({ ...proposal, polRound: -2 })).toBe(false)
    expect(isProposal({ ...proposal, block: 'bytes' })).toBe(false)
  })
})

describe('sign-documents', () => {
  test('bind the chain and leave out the signer (its key names it) and the block bytes (the id covers them)', () => {
    expect(voteSignDocument('chain-x', vote)).toEqual({ chainId: 'chain-x', type: 'precommit', height: 3, round: 1, blockId: 'ab12', timestamp: 1_000 })
    expect(proposalSignDocument('chain-x', proposal)).toEqual({
      chainId: 'chain-x',
      type: 'proposal',
      height: 3,
      round: 2,
      polRound: 1,
      blockId: 'ab12',
      timestamp: 1_000,
    })
  })
})
