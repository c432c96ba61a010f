import { voteSignDocument, proposalSignDocument, withoutExtension, type SignedProposal, type SignedVote } from '../../protocols/tendermint/index.ts'
import { encodeCanonical } from '../../runtime/codec/cbor.ts'
import type { ByzantineBehaviour } from './params.ts'
import type { Signer } from './signer.ts'

/** Where a consensus message goes: to everyone, or to named peers only. */
export type Outgoing = { readonly to: 'all' | readonly string[]; readonly kind: 'tendermint.vote' | 'tendermint.proposal'; readonly body: SignedVote | SignedProposal }

/**
 * A byzantine validator's deviations, applied to what an honest one would send. Honest
 * peers are split into two halves (by sorted name) so that equivocations land on
 * different sides; other byzantine validators get everything, which lets "fork"
 * validators act together.
 */
export class ByzantineBehaviourOf {
  /** Two blocks proposed by one proposer at one (height, round): the fork's two sides. */
  private readonly pairs = new Map<string, [string, string]>()
  /** A forker's votes for rounds whose two blocks it has not both seen yet. */
  private readonly held = new Map<string, SignedVote[]>()

  constructor(
    readonly behaviour: ByzantineBehaviour,
    private readonly chainId: string,
    private readonly signer: Signer,
    private readonly halves: readonly [readonly string[], readonly string[]],
    private readonly accomplices: readonly string[],
  ) {}

  get delay(): number {
    return typeof this.behaviour === 'object' ? this.behaviour.delay : 0
  }

  get silent(): boolean {
    return this.behaviour === 'silent'
  }

  get corruptsProposals(): boolean {
    return this.behaviour === 'invalid-proposals'
  }

  get splitsProposals(): boolean {
    return this.behaviour === 'split-proposals' || this.behaviour === 'fork'
  }

  /**
   * Notes every proposal seen, so a forker knows both blocks of a split round; returns
   * the votes it held for that round, now ready to go out on both sides.
   */
  observeProposal(proposal: SignedProposal, fromAccomplice: boolean): Outgoing[] {
    const key = `${proposal.height}/${proposal.round}`
    const pair = this.pairs.get(key)
    if (pair === undefined) this.pairs.set(key, [proposal.blockId, proposal.blockId])
    else if (pair[0] === pair[1] && pair[0] !== proposal.blockId) this.pairs.set(key, [pair[0], proposal.blockId])
    if (this.behaviour === 'fork' && fromAccomplice && pair === undefined) this.held.set(key, this.held.get(key) ?? [])
    const complete = this.pairs.get(key)![0] !== this.pairs.get(key)![1]
    const waiting = this.held.get(key)
    if (!complete || waiting === undefined) return []
    this.held.delete(key)
    return waiting.flatMap((vote) => this.vote(vote))
  }

  /** What to send instead of one signed vote. */
  vote(vote: SignedVote): Outgoing[] {
    if (this.behaviour !== 'equivocate' && this.behaviour !== 'fork') return [{ to: 'all', kind: 'tendermint.vote', body: vote }]
    const key = `${vote.height}/${vote.round}`
    const waiting = this.held.get(key)
    if (waiting !== undefined) {
      // An accomplice split this round: wait for its second block before voting on both sides.
      waiting.push(vote)
      return []
    }
    const pair = this.pairs.get(key)
    const [a, b] = this.behaviour === 'fork' && pair !== undefined && pair[0] !== pair[1] ? pair : [vote.blockId, vote.blockId === null ? `equivocation-${vote.height}-${vote.round}` : null]
    const first = a === vote.blockId ? vote : this.resign(vote, a)
    const second = this.resign(vote, b)
    if (this.behaviour === 'equivocate') {
      // Open equivocation: everyone gets both votes, so any honest validator can prove it.
      return [
        { to: 'all', kind: 'tendermint.vote', body: first },
        { to: 'all', kind: 'tendermint.vote', body: second },
      ]
    }
    // A fork needs each half to see only its own side.
    return [
      { to: [...this.halves[0], ...this.accomplices], kind: 'tendermint.vote', body: first },
      { to: this.halves[1], kind: 'tendermint.vote', body: second },
    ]
  }

  /** A second proposal for the same round: same height and round, another block. */
  splitProposal(proposal: SignedProposal, other: { blockId: string; block: Uint8Array }): Outgoing[] {
    const twin = { ...proposal, blockId: other.blockId, block: other.block }
    const sig = this.signer.signUnguarded('proposal', twin.height, twin.round, twin.blockId, encodeCanonical(proposalSignDocument(this.chainId, twin)))
    return [
      { to: [...this.halves[0], ...this.accomplices], kind: 'tendermint.proposal', body: proposal },
      { to: [...this.halves[1], ...this.accomplices], kind: 'tendermint.proposal', body: { ...twin, sig } },
    ]
  }

  private resign(vote: SignedVote, blockId: string | null): SignedVote {
    // A nil precommit carries no extension; one for another block keeps it (its signature does not cover the block).
    const changed = { ...(blockId === null ? withoutExtension(vote) : vote), blockId }
    const { sig: _old, ...unsigned } = changed
    return { ...changed, sig: this.signer.signUnguarded(vote.type, vote.height, vote.round, blockId, encodeCanonical(voteSignDocument(this.chainId, unsigned))) }
  }
}
