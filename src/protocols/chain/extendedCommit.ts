import type { SignedVote } from '../tendermint/messages.ts'
import type { ValidatorSet } from '../tendermint/validatorSet.ts'
import { extensionPresenceProblem, withoutExtension } from '../tendermint/voteExtensions.ts'
import type { ExtendedCommitInfo } from './application.ts'
import { commitInfo, type Commit } from './commit.ts'
import { extensionSignatureValid, type VerifyExtension } from './voteSignature.ts'

/**
 * A commit whose precommits keep their vote extensions (CometBFT `ExtendedCommit`): what
 * a validator stores, serves to nodes catching up, and hands the next proposer's
 * PrepareProposal. The commit inside a block is the same without them.
 */

/**
 * How a node judges vote extensions where they are enabled: each one's signature, then
 * the application's verdict (ABCI VerifyVoteExtension, on the state the precommit extended).
 */
export interface ExtensionChecks {
  readonly verify: VerifyExtension
  readonly accept: (height: number, blockId: string, extension: Uint8Array) => boolean
}

/**
 * Why one vote's extension does not stand, or undefined (CometBFT `addVote` with
 * `EnsureExtension`): given `checks` — extensions are enabled at its height — a precommit
 * for a block carries one that passes them; without `checks` no vote carries one.
 */
export const voteExtensionProblem = (vote: SignedVote, chainId: string, checks: ExtensionChecks | undefined): string | undefined => {
  const presence = extensionPresenceProblem(vote, checks !== undefined)
  if (presence !== undefined || vote.extension === undefined || checks === undefined) return presence
  if (!extensionSignatureValid(chainId, vote, checks.verify)) return 'its vote extension has an invalid signature'
  return checks.accept(vote.height, vote.blockId!, vote.extension) ? undefined : 'the application rejects its vote extension'
}

/** `voteExtensionProblem` for every precommit of a stored commit (CometBFT blocksync's extended commit checks). */
export const commitExtensionsProblem = (commit: Commit, chainId: string, checks: ExtensionChecks | undefined): string | undefined => {
  for (const vote of commit.signatures) {
    const problem = voteExtensionProblem(vote, chainId, checks)
    if (problem !== undefined) return `precommit of validator index ${vote.validatorIndex}: ${problem}`
  }
  return undefined
}

/** The commit a block carries: the same precommits without their vote extensions (the commit itself when none has one). */
export const withoutExtensions = (commit: Commit): Commit =>
  commit.signatures.some((v) => v.extension !== undefined) ? { ...commit, signatures: commit.signatures.map(withoutExtension) } : commit

const NO_EXTENSION = new Uint8Array()

/** ABCI `ExtendedCommitInfo` for PrepareProposal: `commitInfo` with each signer's vote extension (empty where it has none). */
export const extendedCommitInfo = (commit: Commit, validators: ValidatorSet, pubKeyOf: (address: string) => string): ExtendedCommitInfo => {
  const extensions = new Map(commit.signatures.flatMap((v) => (v.blockId === commit.blockId ? [[v.validatorAddress, v.extension ?? NO_EXTENSION] as const] : [])))
  return {
    round: commit.round,
    votes: commitInfo(commit, validators, pubKeyOf).map((info, i) => ({ ...info, extension: extensions.get(validators.validators[i]!.address) ?? NO_EXTENSION })),
  }
}
