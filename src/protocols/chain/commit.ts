import { Schema } from 'effect'
import { SignedVote } from '../tendermint/messages.ts'
import type { ValidatorSet } from '../tendermint/validatorSet.ts'
import { quorum } from '../tendermint/voteSet.ts'
import type { VoteInfo } from './application.ts'
import { voteSignatureValid, type VerifyVote } from './voteSignature.ts'
import { Hash, Height, Round } from './wireSchemas.ts'

/** Far above any validator set we run: bounds the work a hostile commit can cause. */
export const MAX_COMMIT_SIGNATURES = 10_000

/**
 * The proof that a block was decided (CometBFT `Commit`): the precommits of the deciding
 * round, in validator-index order. Precommits for nil stay in (they count for the next
 * block's BFT time, as in CometBFT); precommits for any other block are left out. The
 * commit a validator stores and serves to nodes catching up keeps the precommits' vote
 * extensions (CometBFT's `ExtendedCommit`, see extendedCommit.ts); the one inside a
 * block has none.
 */
export const CommitSchema = Schema.Struct({
  height: Height,
  round: Round,
  blockId: Hash,
  signatures: Schema.Array(SignedVote).pipe(Schema.maxItems(MAX_COMMIT_SIGNATURES)),
})
export type Commit = typeof CommitSchema.Type

/**
 * A commit from the precommits consensus collected (the `tendermint.commit` report, or a
 * `need-proposal`'s lastCommit): keeps those for `blockId` or nil, in index order.
 */
export const makeCommit = (height: number, round: number, blockId: string, precommits: readonly SignedVote[]): Commit => ({
  height,
  round,
  blockId,
  signatures: precommits
    .filter((v) => v.type === 'precommit' && v.height === height && v.round === round && (v.blockId === blockId || v.blockId === null))
    .sort((a, b) => a.validatorIndex - b.validatorIndex),
})

/** A commit's vote as a problem names it: worked out only when something is wrong, since every validator verifies every commit. */
const at = (vote: SignedVote): string => `precommit of validator index ${vote.validatorIndex}`

/**
 * Why `commit` does not prove its block under `validators` (the set of its height), or
 * undefined when it does: every signature a valid precommit of that height and round, by
 * a distinct member of the set at its index, and more than 2/3 of the power for the block.
 */
export const verifyCommit = (commit: Commit, validators: ValidatorSet, chainId: string, verify: VerifyVote): string | undefined => {
  const known = verdicts.get(commit)
  if (known !== undefined && known.validators === validators && known.chainId === chainId && known.verify === verify) return known.problem
  const problem = commitProblem(commit, validators, chainId, verify)
  verdicts.set(commit, { validators, chainId, verify, problem })
  return problem
}

/**
 * Memoized per commit, set, chain and check (commits and sets are immutable; `verify`
 * must be a pure function): a block's LastCommit is verified by every validator that
 * judges the block, in simulation with one shared check.
 */
const verdicts = new WeakMap<Commit, { readonly validators: ValidatorSet; readonly chainId: string; readonly verify: VerifyVote; readonly problem: string | undefined }>()

const commitProblem = (commit: Commit, validators: ValidatorSet, chainId: string, verify: VerifyVote): string | undefined => {
  let power = 0n
  let lastIndex = -1
  for (const vote of commit.signatures) {
    if (vote.type !== 'precommit') return `${at(vote)} is a ${vote.type}`
    if (vote.height !== commit.height || vote.round !== commit.round) {
      return `${at(vote)} is for ${vote.height}/${vote.round}, the commit for ${commit.height}/${commit.round}`
    }
    if (vote.blockId !== commit.blockId && vote.blockId !== null) return `${at(vote)} is for another block`
    if (vote.validatorIndex <= lastIndex) return `${at(vote)} is duplicated or out of index order`
    lastIndex = vote.validatorIndex
    const validator = validators.validators[vote.validatorIndex]
    if (validator?.address !== vote.validatorAddress) return `${at(vote)}: ${vote.validatorAddress} is not the validator at that index`
    if (!voteSignatureValid(chainId, vote, verify)) return `${at(vote)} has an invalid signature`
    if (vote.blockId !== null) power += validator.power
  }
  const needed = quorum(validators.totalPower)
  return power >= needed ? undefined : `commit has ${power} power for the block, needs ${needed} of ${validators.totalPower}`
}

/**
 * The commit as the application sees it (ABCI `CommitInfo`): every validator of the
 * set, in index order, and whether its precommit for the block is in the commit.
 */
export const commitInfo = (commit: Commit, validators: ValidatorSet, pubKeyOf: (address: string) => string): VoteInfo[] => {
  const signers = new Set(commit.signatures.filter((v) => v.blockId === commit.blockId).map((v) => v.validatorAddress))
  return validators.validators.map((v) => ({ pubKey: pubKeyOf(v.address), power: v.power, signed: signers.has(v.address) }))
}
