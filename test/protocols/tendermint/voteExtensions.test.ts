import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { duplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import { nextHeightValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import { MAX_VOTE_EXTENSION_BYTES, SignedVote } from '../../../src/protocols/tendermint/messages.ts'
import { voteExtensionSignDocument, voteSignDocument } from '../../../src/protocols/tendermint/signDocuments.ts'
import { extensionPresenceProblem, extensionsEnabled, extensionWanted, withoutExtension } from '../../../src/protocols/tendermint/voteExtensions.ts'
import { A, B, block, C, D, fourValidators, newHeight, proposed, reports, startNode, voteEvent, voteFrom } from './harness.ts'

const set = fourValidators()
const bytes = (text: string) => new TextEncoder().encode(text)
const extended = (from: string, type: 'prevote' | 'precommit', blockId: string | null, text: string, height = 1) => ({
  ...voteFrom(set, from, type, height, 0, blockId),
  extension: bytes(text),
  extensionSig: bytes(`sig of ${text}`),
})

describe('the wire schema', () => {
  const isVote = Schema.is(SignedVote)

  test('a precommit for a block may carry an extension with its signature; votes without one are as before', () => {
    expect(isVote(extended(A, 'precommit', 'B1', 'a@1'))).toBe(true)
    expect(isVote(voteFrom(set, A, 'precommit', 1, 0, 'B1'))).toBe(true)
    expect(isVote({ ...extended(A, 'precommit', 'B1', ''), extension: new Uint8Array(MAX_VOTE_EXTENSION_BYTES) })).toBe(true)
  })

  test('an extension without its signature, on a prevote or a nil precommit, or too large, is refused', () => {
    const { extensionSig: _sig, ...unsigned } = extended(A, 'precommit', 'B1', 'a@1')
    const { extension: _ext, ...sigOnly } = extended(A, 'precommit', 'B1', 'a@1')
    expect(isVote(unsigned)).toBe(false)
    expect(isVote(sigOnly)).toBe(false)
    expect(isVote(extended(A, 'prevote', 'B1', 'a@1'))).toBe(false)
    expect(isVote(extended(A, 'precommit', null, 'a@1'))).toBe(false)
    expect(isVote({ ...extended(A, 'precommit', 'B1', ''), extension: new Uint8Array(MAX_VOTE_EXTENSION_BYTES + 1) })).toBe(false)
    expect(isVote({ ...extended(A, 'precommit', 'B1', ''), extension: 'a@1' })).toBe(false)
  })
})

describe('the rules', () => {
  test('vote_extensions_enable_height: 0 never, else from that height on', () => {
    expect([0, 1, 7].map((h) => extensionsEnabled(0, h))).toEqual([false, false, false])
    expect([4, 5, 6].map((h) => extensionsEnabled(5, h))).toEqual([false, true, true])
  })

  test('only precommits for a block at enabled heights are extended', () => {
    expect(extensionWanted({ type: 'precommit', blockId: 'B1' }, true)).toBe(true)
    expect(extensionWanted({ type: 'precommit', blockId: null }, true)).toBe(false)
    expect(extensionWanted({ type: 'prevote', blockId: 'B1' }, true)).toBe(false)
    expect(extensionWanted({ type: 'precommit', blockId: 'B1' }, false)).toBe(false)
  })

  test('a precommit for a block must carry one where enabled, and no vote may where not', () => {
    const plain = voteFrom(set, A, 'precommit', 1, 0, 'B1')
    expect(extensionPresenceProblem(plain, true)).toMatch(/must carry a vote extension/)
    expect(extensionPresenceProblem(extended(A, 'precommit', 'B1', 'a@1'), true)).toBeUndefined()
    expect(extensionPresenceProblem(voteFrom(set, A, 'precommit', 1, 0, null), true)).toBeUndefined()
    expect(extensionPresenceProblem(voteFrom(set, A, 'prevote', 1, 0, 'B1'), true)).toBeUndefined()
    expect(extensionPresenceProblem(plain, false)).toBeUndefined()
    expect(extensionPresenceProblem(extended(A, 'precommit', 'B1', 'a@1'), false)).toMatch(/not enabled/)
  })

  test('withoutExtension strips both fields, and gives back a vote without any as it is', () => {
    const plain = voteFrom(set, A, 'precommit', 1, 0, 'B1')
    expect(withoutExtension(plain)).toBe(plain)
    expect(withoutExtension(extended(A, 'precommit', 'B1', 'a@1'))).toEqual(plain)
  })

  test('the extension is signed over chain, height, round and the bytes (CanonicalVoteExtension); the vote sign-bytes ignore it', () => {
    const vote = extended(A, 'precommit', 'B1', 'a@1')
    expect(voteExtensionSignDocument('chain-x', { ...vote, extension: vote.extension })).toEqual({ chainId: 'chain-x', height: 1, round: 0, extension: bytes('a@1') })
    expect(voteSignDocument('chain-x', vote)).toEqual(voteSignDocument('chain-x', withoutExtension(vote)))
  })

  test('evidence of a double sign is the same whatever extensions its votes came with', () => {
    const one = duplicateVoteEvidence(extended(D, 'precommit', 'B1', 'first'), voteFrom(set, D, 'precommit', 1, 0, null), 10n, 40n, 5)
    const other = duplicateVoteEvidence(extended(D, 'precommit', 'B1', 'second'), voteFrom(set, D, 'precommit', 1, 0, null), 10n, 40n, 5)
    expect(one).toEqual(other)
    expect(one.voteB.extension).toBeUndefined()
  })
})

describe('the machine carries extensions as they came', () => {
  test('into the commit it reports, and into the next proposer’s lastCommit', () => {
    const node = startNode(B, { commit: 0 })
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('B1'), 1_000))
    const votes = [extended(A, 'precommit', 'B1', 'a@1'), extended(C, 'precommit', 'B1', 'c@1'), extended(D, 'precommit', 'B1', 'd@1')]
    const committed = votes.flatMap((v) => node.send(voteEvent(v, 2_000)))
    const [commit] = reports(committed, 'tendermint.commit') as Array<{ commit: SignedVote[] }>
    expect(commit!.commit).toEqual(votes)
    const started = node.send(newHeight(2, nextHeightValidatorSet(set, []), 3_000))
    const [need] = reports(started, 'tendermint.need-proposal') as Array<{ lastCommit: SignedVote[] }>
    expect(need!.lastCommit.map((v) => new TextDecoder().decode(v.extension))).toEqual(['a@1', 'c@1', 'd@1'])
  })
})
