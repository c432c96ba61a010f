import { blockInfoOf, checkBlockContents, proposerProblem, type Block, type VerifyVote } from '../../protocols/chain/index.ts'
import { proposerSchedule, scheduleThrough, type DuplicateVoteEvidence } from '../../protocols/tendermint/index.ts'
import type { ChainState } from './chainState.ts'

/**
 * A validator's verdict on a block for the next height: the header checks and ABCI
 * ProcessProposal against the chain it has committed (CometBFT `validateBlock` +
 * ProcessProposal), for a block made by the proposer of a given round.
 */
export class BlockJudge {
  /**
   * The verdict on each block's contents (everything but who proposed it), with the chain
   * height it was reached at. It depends only on the block and the committed chain, so
   * judging the same block again at the same height — as every commit re-judges the
   * proposal it decided — is a lookup.
   */
  private readonly verdicts = new WeakMap<Block, { readonly atHeight: number; readonly problem: string | undefined }>()

  constructor(
    private readonly chain: ChainState,
    private readonly context: {
      readonly chainId: string
      readonly genesisTime: number
      readonly verify: VerifyVote
      readonly evidenceProblem: (evidence: DuplicateVoteEvidence) => string | undefined
    },
  ) {}

  /** Why this node must not accept `block` from the proposer of `round` (or, not `exactRound`, of any round up to it), or undefined. */
  problem(block: Block, round: number, exactRound: boolean): string | undefined {
    const height = block.header.height
    if (height !== this.chain.height + 1) return `height ${height} is not the next height ${this.chain.height + 1}`
    const proposers = scheduleThrough(proposerSchedule(this.chain.setAt(height)!), round).proposers
    return proposerProblem(block, exactRound ? [proposers[round]!] : proposers.slice(0, round + 1)) ?? this.contentsProblem(block)
  }

  private contentsProblem(block: Block): string | undefined {
    const known = this.verdicts.get(block)
    if (known?.atHeight === this.chain.height) return known.problem
    const problem = this.judgeContents(block)
    this.verdicts.set(block, { atHeight: this.chain.height, problem })
    return problem
  }

  private judgeContents(block: Block): string | undefined {
    const height = block.header.height
    const problem = checkBlockContents(block, {
      chainId: this.context.chainId,
      height,
      lastBlockId: height === 1 ? null : this.chain.blockIds.get(height - 1)!,
      validators: this.chain.setAt(height)!,
      nextValidators: this.chain.setAt(height + 1)!,
      lastValidators: this.chain.setAt(height - 1) ?? null,
      appHash: this.chain.appHash,
      genesisTime: this.context.genesisTime,
      verify: this.context.verify,
      checkEvidence: this.context.evidenceProblem,
    })
    if (problem !== undefined) return problem
    const info = blockInfoOf(block, this.chain.setAt(height - 1) ?? null, this.chain.pubKeyOf)
    return this.chain.app.processProposal(this.chain.appState, block.txs, info) ? undefined : 'the application rejects its transactions'
  }
}
