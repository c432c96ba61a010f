import type { DuplicateVoteEvidence } from '../tendermint/evidence.ts'
import type { ValidatorSet } from '../tendermint/validatorSet.ts'
import type { BlockInfo, Misbehavior } from './application.ts'
import type { Block, BlockHeader } from './block.ts'
import { commitInfo } from './commit.ts'
import { evidenceHeight } from './evidence.ts'

/** ABCI `Misbehavior` for committed evidence: the double signer and the height it signed at. */
export const misbehaviorOf = (evidence: DuplicateVoteEvidence, pubKeyOf: (address: string) => string): Misbehavior => ({
  type: 'duplicate-vote',
  pubKey: pubKeyOf(evidence.voteA.validatorAddress),
  height: evidenceHeight(evidence),
  time: evidence.timestamp,
  totalVotingPower: evidence.totalVotingPower,
})

/** The parts of a block the application hears about; a proposer has them before the block exists. */
export type BlockInfoSource = Pick<Block, 'lastCommit' | 'evidence'> & {
  readonly header: Pick<BlockHeader, 'height' | 'time' | 'proposerAddress'>
}

/**
 * The `BlockInfo` for PrepareProposal, ProcessProposal and FinalizeBlock. `lastValidators`
 * is the set of height − 1 (null at height 1); `pubKeyOf` maps an address to its key.
 */
export const blockInfoOf = (
  block: BlockInfoSource,
  lastValidators: ValidatorSet | null,
  pubKeyOf: (address: string) => string,
): BlockInfo => {
  const known = infos.get(block)
  if (known !== undefined && known.lastValidators === lastValidators && known.pubKeyOf === pubKeyOf) return known.info
  const info: BlockInfo = {
    height: block.header.height,
    time: block.header.time,
    proposerPubKey: pubKeyOf(block.header.proposerAddress),
    lastCommit: block.lastCommit === null || lastValidators === null ? [] : commitInfo(block.lastCommit, lastValidators, pubKeyOf),
    misbehavior: block.evidence.map((ev) => misbehaviorOf(ev, pubKeyOf)),
  }
  infos.set(block, { lastValidators, pubKeyOf, info })
  return info
}

/**
 * Memoized per block, set and lookup (blocks and sets are immutable; `pubKeyOf` must be
 * a pure function): a block's info is made when the block is judged and again when it
 * is applied, and in simulation by every validator, each of whose equal answers the
 * shared application would otherwise compare field by field.
 */
const infos = new WeakMap<BlockInfoSource, { readonly lastValidators: ValidatorSet | null; readonly pubKeyOf: (address: string) => string; readonly info: BlockInfo }>()
