import { canonicalBytes, sha256Hex } from '../../../src/shared/canonicalHash.ts'
import { buildBlock, blockIdOf, type Block } from '../../../src/protocols/chain/block.ts'
import { expectedBlockTime } from '../../../src/protocols/chain/blockTime.ts'
import type { BlockExpectations } from '../../../src/protocols/chain/checkBlock.ts'
import { makeCommit, type Commit } from '../../../src/protocols/chain/commit.ts'
import type { VerifyVote } from '../../../src/protocols/chain/voteSignature.ts'
import { newValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import type { SignedVote, Vote } from '../../../src/protocols/tendermint/messages.ts'
import { proposerSchedule } from '../../../src/protocols/tendermint/proposerSelection.ts'
import { voteSignDocument, type VoteSignDocument } from '../../../src/protocols/tendermint/signDocuments.ts'
import type { ValidatorSet } from '../../../src/protocols/tendermint/validatorSet.ts'

/**
 * A stand-in for ed25519 that keeps tests fast: a validator's "signature" is a hash of its
 * address and the canonical bytes of the document, so only the right signer over the
 * right document verifies.
 */
export const sign = (address: string, document: VoteSignDocument): Uint8Array =>
  new Uint8Array(Buffer.from(sha256Hex(canonicalBytes({ address, document })), 'hex'))

export const verify: VerifyVote = (address, document, sig) => Buffer.from(sign(address, document)).equals(sig)

export const CHAIN_ID = 'strata-test'
export const GENESIS_TIME = 1_700_000_000_000_000

export const addressOf = (i: number): string => (i + 1).toString(16).padStart(40, '0')
export const pubKeyOf = (address: string): string => `pk-${address}`

export const validatorSet = (powers: readonly bigint[]): ValidatorSet =>
  newValidatorSet(powers.map((power, i) => ({ address: addressOf(i), power })))

export const signedVote = (chainId: string, vote: Vote): SignedVote => ({
  ...vote,
  sig: sign(vote.validatorAddress, voteSignDocument(chainId, vote)),
})

/** The precommit of the validator at `index` of `set`. */
export const precommit = (
  set: ValidatorSet,
  index: number,
  at: { height: number; round: number; blockId: string | null; timestamp: number },
  chainId = CHAIN_ID,
): SignedVote =>
  signedVote(chainId, { type: 'precommit', ...at, validatorAddress: set.validators[index]!.address, validatorIndex: index })

/** A commit signed by the validators at `signers` (all of them by default), each voting at `timestamp + index`. */
export const commitOf = (
  set: ValidatorSet,
  height: number,
  blockId: string,
  options: { round?: number; signers?: readonly number[]; timestamp?: number } = {},
): Commit => {
  const round = options.round ?? 0
  const signers = options.signers ?? set.validators.map((_, i) => i)
  const timestamp = options.timestamp ?? GENESIS_TIME + height * 1_000_000
  return makeCommit(
    height,
    round,
    blockId,
    signers.map((i) => precommit(set, i, { height, round, blockId, timestamp: timestamp + i })),
  )
}

/** A chain of `length` blocks on one unchanging validator set, each committed by all. */
export const chainOf = (set: ValidatorSet, length: number, txsAt: (height: number) => Block['txs'] = () => []) => {
  const blocks: Block[] = []
  const commits: Commit[] = []
  for (let height = 1; height <= length; height++) {
    const lastCommit = commits[height - 2] ?? null
    const block = buildBlock({
      chainId: CHAIN_ID,
      height,
      time: expectedBlockTime(lastCommit, set, GENESIS_TIME)!,
      lastBlockId: height === 1 ? null : blockIdOf(blocks[height - 2]!),
      proposerAddress: proposerSchedule(set).proposers[0]!,
      validators: set.validators,
      nextValidators: set.validators,
      appHash: `app-${height}`,
      txs: txsAt(height),
      evidence: [],
      lastCommit,
    })
    blocks.push(block)
    commits.push(commitOf(set, height, blockIdOf(block)))
  }
  return { blocks, commits }
}

/** What a validator expects of block `height` of a `chainOf` chain on `set`. */
export const expectationsFor = (set: ValidatorSet, blocks: readonly Block[], height: number): BlockExpectations => ({
  chainId: CHAIN_ID,
  height,
  lastBlockId: height === 1 ? null : blockIdOf(blocks[height - 2]!),
  proposers: [proposerSchedule(set).proposers[0]!],
  validators: set,
  nextValidators: set,
  lastValidators: height === 1 ? null : set,
  appHash: `app-${height}`,
  genesisTime: GENESIS_TIME,
  verify,
  checkEvidence: () => undefined,
})
