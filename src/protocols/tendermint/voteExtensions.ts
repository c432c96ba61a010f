import type { SignedVote } from './messages.ts'

/**
 * ABCI++ vote extensions (CometBFT ExtendVote / VerifyVoteExtension) as consensus rules.
 * The host does the work — asks the application, signs the extension, verifies peers'
 * — and these rules say which votes carry an extension and where a vote is kept without
 * one. Consensus itself counts votes the same way with or without extensions: the host
 * drops a precommit whose extension fails before the machine sees it.
 */

/** CometBFT `FeatureParams.VoteExtensionsEnabled`: `enableHeight` 0 = never, else from that height on. */
export const extensionsEnabled = (enableHeight: number, height: number): boolean => enableHeight > 0 && height >= enableHeight

/** Whether this node's own vote gets an extension: a precommit for a block, at a height with extensions enabled. */
export const extensionWanted = (vote: Pick<SignedVote, 'type' | 'blockId'>, enabled: boolean): boolean =>
  enabled && vote.type === 'precommit' && vote.blockId !== null

/**
 * Why a vote's extension does not fit its height (CometBFT `VoteSet.addVote` and
 * `EnsureExtension`), or undefined: where extensions are enabled a precommit for a block
 * carries one, elsewhere no vote does. Which kinds of vote may carry one at all is the
 * schema's rule (messages.ts).
 */
export const extensionPresenceProblem = (vote: SignedVote, enabled: boolean): string | undefined => {
  const carries = vote.extension !== undefined || vote.extensionSig !== undefined
  if (!enabled) return carries ? 'vote extensions are not enabled at this height' : undefined
  return carries || !extensionWanted(vote, enabled) ? undefined : 'a precommit for a block must carry a vote extension'
}

/**
 * The vote without its extension: what a block's LastCommit and evidence hold (CometBFT's
 * `Commit` drops extensions; only the proposer's `ExtendedCommit` keeps them). The vote
 * itself when it has none, so votes without extensions cost nothing.
 */
export const withoutExtension = (vote: SignedVote): SignedVote => {
  if (vote.extension === undefined && vote.extensionSig === undefined) return vote
  const { extension: _extension, extensionSig: _signature, ...plain } = vote
  return plain
}
