import type { DuplicateVoteEvidence } from '../tendermint/evidence.ts'
import type { ValidatorSet } from '../tendermint/validatorSet.ts'
import { blockIdOf, contentsMismatch, validatorSetHash, type Block } from './block.ts'
import { expectedBlockTime } from './blockTime.ts'
import { verifyCommit, type Commit } from './commit.ts'
import { evidenceId } from './evidence.ts'
import { commitExtensionsProblem, type ExtensionChecks } from './extendedCommit.ts'
import type { VerifyVote } from './voteSignature.ts'

/** What a validator knows about the height a proposed block is for. */
export interface BlockExpectations extends ChainExpectations {
  /**
   * Who may have made the block: `[proposer(height, round)]` for a fresh proposal. A
   * proposal re-proposing its valid value (polRound ≥ 0) carries the block made in an
   * earlier round, so pass the proposers of rounds 0..polRound.
   */
  readonly proposers: readonly string[]
}

/** What the committed chain says a block of `height` must be, whoever proposed it in whichever round. */
export interface ChainExpectations {
  readonly chainId: string
  readonly height: number
  /** The id of the block committed at height − 1; null at height 1. */
  readonly lastBlockId: string | null
  readonly validators: ValidatorSet
  readonly nextValidators: ValidatorSet
  /** The set of height − 1, which signed the LastCommit; null at height 1. */
  readonly lastValidators: ValidatorSet | null
  /** The application's hash after height − 1. */
  readonly appHash: string
  readonly genesisTime: number
  readonly verify: VerifyVote
  /**
   * The evidence pool's verdict on one piece of evidence (verifies, not expired, not
   * already committed); the host composes it from `checkDuplicateVoteEvidence`, its
   * history and the pool.
   */
  readonly checkEvidence: (evidence: DuplicateVoteEvidence) => string | undefined
}

/**
 * Why a proposed block must not get this validator's prevote, or undefined (CometBFT
 * `state.validateBlock`). ABCI ProcessProposal and the size limit are the host's part.
 */
export const checkBlock = (block: Block, expect: BlockExpectations): string | undefined =>
  proposerProblem(block, expect.proposers) ?? checkBlockContents(block, expect)

/** Whether the block's proposer is one of those that may have made it. */
export const proposerProblem = (block: Block, proposers: readonly string[]): string | undefined =>
  proposers.includes(block.header.proposerAddress) ? undefined : `proposer ${block.header.proposerAddress} may not propose this block`

/**
 * `checkBlock` without the proposer: what depends only on the block and the committed
 * chain, so that a host may reuse the verdict for the same block in another round.
 */
export const checkBlockContents = (block: Block, expect: ChainExpectations): string | undefined => {
  const { header } = block
  if (header.chainId !== expect.chainId) return `chainId ${header.chainId}, expected ${expect.chainId}`
  if (header.height !== expect.height) return `height ${header.height}, expected ${expect.height}`
  if (header.lastBlockId !== expect.lastBlockId) return `lastBlockId ${header.lastBlockId}, expected ${expect.lastBlockId}`
  if (header.validatorsHash !== validatorSetHash(expect.validators.validators)) return 'validatorsHash is not the set of this height'
  if (header.nextValidatorsHash !== validatorSetHash(expect.nextValidators.validators)) {
    return 'nextValidatorsHash is not the set of the next height'
  }
  if (header.appHash !== expect.appHash) return `appHash ${header.appHash}, expected ${expect.appHash}`
  return (
    contentsMismatch(block) ??
    lastCommitProblem(block.lastCommit, expect) ??
    timeProblem(block, expect) ??
    evidenceProblem(block.evidence, expect.checkEvidence)
  )
}

const lastCommitProblem = (lastCommit: Commit | null, expect: ChainExpectations): string | undefined => {
  if (expect.height === 1) return lastCommit === null ? undefined : 'a block at height 1 has no lastCommit'
  if (lastCommit === null) return 'lastCommit is missing'
  if (expect.lastValidators === null) return `the validator set of height ${expect.height - 1} is not known`
  if (lastCommit.height !== expect.height - 1) return `lastCommit is for height ${lastCommit.height}, expected ${expect.height - 1}`
  if (lastCommit.blockId !== expect.lastBlockId) return 'lastCommit is for another block'
  // As CometBFT's Commit, a block's carries no extensions: they are for the proposer only.
  if (lastCommit.signatures.some((v) => v.extension !== undefined || v.extensionSig !== undefined)) return 'lastCommit carries vote extensions'
  const problem = verifyCommit(lastCommit, expect.lastValidators, expect.chainId, expect.verify)
  return problem === undefined ? undefined : `lastCommit: ${problem}`
}

const timeProblem = (block: Block, expect: ChainExpectations): string | undefined => {
  const expected = expectedBlockTime(block.lastCommit, expect.lastValidators, expect.genesisTime)
  return block.header.time === expected ? undefined : `time ${block.header.time}, expected ${expected}`
}

const evidenceProblem = (
  evidence: readonly DuplicateVoteEvidence[],
  check: BlockExpectations['checkEvidence'],
): string | undefined => {
  const seen = new Set<string>()
  for (const ev of evidence) {
    const id = evidenceId(ev)
    if (seen.has(id)) return `evidence ${id} is included twice`
    seen.add(id)
    const problem = check(ev)
    if (problem !== undefined) return `evidence ${id}: ${problem}`
  }
  return undefined
}

/** What a catching-up node knows about the next height it applies. */
export interface SyncExpectations {
  readonly chainId: string
  readonly height: number
  readonly lastBlockId: string | null
  readonly validators: ValidatorSet
  readonly verify: VerifyVote
  /** Given when vote extensions are enabled at this height: the commit must carry them, signed and accepted. */
  readonly extensions?: ExtensionChecks | undefined
}

/**
 * Why a block fetched while catching up must not be applied, or undefined (CometBFT
 * blocksync): the commit that comes with it proves it under the set of its height (with
 * the vote extensions the height requires, which this node needs to propose the next
 * one), it links to the last applied block, and its contents match its header. The block's own
 * header checks were done by the +2/3 that signed it. Comparing the app hash is left to
 * the host: a mismatch there means this node diverged, not that the peer lied.
 */
export const checkSyncedBlock = (block: Block, commit: Commit, expect: SyncExpectations): string | undefined => {
  const { header } = block
  if (header.chainId !== expect.chainId) return `chainId ${header.chainId}, expected ${expect.chainId}`
  if (header.height !== expect.height || commit.height !== expect.height) {
    return `block ${header.height} with commit ${commit.height}, expected height ${expect.height}`
  }
  if (header.lastBlockId !== expect.lastBlockId) return `lastBlockId ${header.lastBlockId}, expected ${expect.lastBlockId}`
  if (header.validatorsHash !== validatorSetHash(expect.validators.validators)) return 'validatorsHash is not the set of this height'
  if (commit.blockId !== blockIdOf(block)) return 'the commit is for another block'
  return (
    contentsMismatch(block) ??
    verifyCommit(commit, expect.validators, expect.chainId, expect.verify) ??
    commitExtensionsProblem(commit, expect.chainId, expect.extensions)
  )
}
