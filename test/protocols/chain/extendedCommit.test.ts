import { describe, expect, test } from 'vitest'
import { blockIdOf, lastCommitHash, type Block } from '../../../src/protocols/chain/block.ts'
import { checkBlock, checkSyncedBlock } from '../../../src/protocols/chain/checkBlock.ts'
import type { Commit } from '../../../src/protocols/chain/commit.ts'
import { commitExtensionsProblem, extendedCommitInfo, voteExtensionProblem, withoutExtensions, type ExtensionChecks } from '../../../src/protocols/chain/extendedCommit.ts'
import { checkDuplicateVoteEvidence } from '../../../src/protocols/chain/evidence.ts'
import type { VerifyExtension } from '../../../src/protocols/chain/voteSignature.ts'
import { duplicateVoteEvidence } from '../../../src/protocols/tendermint/evidence.ts'
import type { SignedVote } from '../../../src/protocols/tendermint/messages.ts'
import { voteExtensionSignDocument, type VoteExtensionSignDocument } from '../../../src/protocols/tendermint/signDocuments.ts'
import { canonicalBytes, sha256Hex } from '../../../src/shared/canonicalHash.ts'
import { chainOf, CHAIN_ID, expectationsFor, precommit, pubKeyOf, validatorSet, verify } from './fixtures.ts'

/** The extension counterpart of the fixtures' stand-in signature: only its validator over its document verifies. */
const signExtension = (address: string, document: VoteExtensionSignDocument): Uint8Array =>
  new Uint8Array(Buffer.from(sha256Hex(canonicalBytes({ address, document })), 'hex'))
const verifyExtension: VerifyExtension = (address, document, sig) => Buffer.from(signExtension(address, document)).equals(sig)
/** What the test application accepts: an extension naming the height it was made at. */
const checks: ExtensionChecks = { verify: verifyExtension, accept: (height, _blockId, extension) => Buffer.from(extension).toString().endsWith(`@${height}`) }

const set = validatorSet([10n, 20n, 30n, 40n])
const { blocks, commits } = chainOf(set, 3)
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString()

/** The commit of `height` as the validators stored it: each precommit for the block with a signed extension "v<index>@<height>". */
const extendedCommit = (commit: Commit): Commit => ({
  ...commit,
  signatures: commit.signatures.map((vote) => {
    if (vote.blockId === null) return vote
    const extension = Buffer.from(`v${vote.validatorIndex}@${vote.height}`)
    return { ...vote, extension, extensionSig: signExtension(vote.validatorAddress, voteExtensionSignDocument(CHAIN_ID, { ...vote, extension })) }
  }),
})

const replaceVote = (commit: Commit, index: number, vote: SignedVote): Commit => ({ ...commit, signatures: commit.signatures.map((v, i) => (i === index ? vote : v)) })

describe('the extended commit', () => {
  const extended = extendedCommit(commits[1]!)

  test('a block carries it without extensions; a commit without any is kept as it is', () => {
    expect(withoutExtensions(extended)).toEqual(commits[1])
    expect(withoutExtensions(commits[1]!)).toBe(commits[1])
  })

  test('PrepareProposal sees every validator in index order, with the extension of each signer', () => {
    const nil = precommit(set, 3, { height: 2, round: 0, blockId: null, timestamp: 1 })
    const info = extendedCommitInfo(replaceVote(extended, 3, nil), set, pubKeyOf)
    expect(info.round).toBe(0)
    expect(info.votes.map((v) => [v.pubKey, v.power, v.signed, text(v.extension)])).toEqual([
      [pubKeyOf(set.validators[0]!.address), set.validators[0]!.power, true, 'v0@2'],
      [pubKeyOf(set.validators[1]!.address), set.validators[1]!.power, true, 'v1@2'],
      [pubKeyOf(set.validators[2]!.address), set.validators[2]!.power, true, 'v2@2'],
      [pubKeyOf(set.validators[3]!.address), set.validators[3]!.power, false, ''],
    ])
  })

  test('its extensions stand where the height needs them, signed by their validators and accepted by the application', () => {
    expect(commitExtensionsProblem(extended, CHAIN_ID, checks)).toBeUndefined()
    expect(commitExtensionsProblem(commits[1]!, CHAIN_ID, undefined)).toBeUndefined()
    expect(commitExtensionsProblem(commits[1]!, CHAIN_ID, checks)).toMatch(/index 0: .*must carry a vote extension/)
    expect(commitExtensionsProblem(extended, CHAIN_ID, undefined)).toMatch(/not enabled/)
    const forged = { ...extended.signatures[2]!, extension: Buffer.from('v2@999') }
    expect(commitExtensionsProblem(replaceVote(extended, 2, forged), CHAIN_ID, checks)).toMatch(/index 2: .*invalid signature/)
    expect(commitExtensionsProblem(extended, 'other-chain', checks)).toMatch(/invalid signature/)
    expect(commitExtensionsProblem(extended, CHAIN_ID, { ...checks, accept: () => false })).toMatch(/index 0: the application rejects/)
  })

  test('one vote is judged the same way, and a nil precommit or a prevote needs none', () => {
    expect(voteExtensionProblem(extended.signatures[1]!, CHAIN_ID, checks)).toBeUndefined()
    expect(voteExtensionProblem(commits[1]!.signatures[1]!, CHAIN_ID, checks)).toMatch(/must carry/)
    expect(voteExtensionProblem(precommit(set, 1, { height: 2, round: 0, blockId: null, timestamp: 1 }), CHAIN_ID, checks)).toBeUndefined()
    // The application is asked only once the signature holds.
    const asked: number[] = []
    const forged = { ...extended.signatures[1]!, extensionSig: new Uint8Array(32) }
    voteExtensionProblem(forged, CHAIN_ID, { ...checks, accept: (h) => asked.push(h) > 0 })
    expect(asked).toEqual([])
  })
})

describe('where extensions must not be', () => {
  test('a block whose lastCommit carries them is refused', () => {
    const b = blocks[2]!
    const lastCommit = extendedCommit(b.lastCommit!)
    const carrying: Block = { ...b, header: { ...b.header, lastCommitHash: lastCommitHash(lastCommit) }, lastCommit }
    expect(checkBlock(carrying, expectationsFor(set, blocks, 3))).toMatch(/carries vote extensions/)
  })

  test('evidence whose votes carry them is refused (the same double sign must make one piece of evidence)', () => {
    const a = precommit(set, 1, { height: 3, round: 0, blockId: 'aa'.repeat(32), timestamp: 1 })
    const b = precommit(set, 1, { height: 3, round: 0, blockId: 'bb'.repeat(32), timestamp: 2 })
    const evidence = duplicateVoteEvidence(a, b, set.validators[1]!.power, set.totalPower, 5)
    const context = { chainId: CHAIN_ID, validators: set, blockTime: 5, verify }
    expect(checkDuplicateVoteEvidence(evidence, context)).toBeUndefined()
    const carrying = { ...evidence, voteA: { ...evidence.voteA, extension: Buffer.from('x'), extensionSig: Buffer.from('y') } }
    expect(checkDuplicateVoteEvidence(carrying, context)).toMatch(/vote extensions/)
  })
})

describe('a block fetched while catching up, where extensions are enabled', () => {
  const expectations = { chainId: CHAIN_ID, height: 2, lastBlockId: blockIdOf(blocks[0]!), validators: set, verify, extensions: checks }

  test('comes with its extended commit, which proves the block and carries the extensions the next proposer needs', () => {
    expect(checkSyncedBlock(blocks[1]!, extendedCommit(commits[1]!), expectations)).toBeUndefined()
    expect(checkSyncedBlock(blocks[1]!, commits[1]!, expectations)).toMatch(/must carry a vote extension/)
    const extended = extendedCommit(commits[1]!)
    const forged = replaceVote(extended, 0, { ...extended.signatures[0]!, extensionSig: new Uint8Array(32) })
    expect(checkSyncedBlock(blocks[1]!, forged, expectations)).toMatch(/invalid signature/)
    // A peer serving its own precommit with an extension the others rejected is caught too.
    expect(checkSyncedBlock(blocks[1]!, extendedCommit(commits[1]!), { ...expectations, extensions: { ...checks, accept: () => false } })).toMatch(/rejects/)
  })

  test('the block built on it is the one built without extensions: its LastCommit hashes the same', () => {
    expect(lastCommitHash(withoutExtensions(extendedCommit(commits[0]!)))).toBe(blocks[1]!.header.lastCommitHash)
  })
})
