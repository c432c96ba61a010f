import { Either } from 'effect'
import {
  addEvidence,
  blockIdOf,
  buildBlock,
  checkDuplicateVoteEvidence,
  emptyEvidencePool,
  EVIDENCE_GOSSIP_INTERVAL,
  EVIDENCE_TOPIC,
  evidenceToGossip,
  expectedBlockTime,
  blockInfoOf,
  makeCommit,
  markCommitted,
  verifyCommit,
  voteSignatureValid,
  Mempool,
  MEMPOOL_TOPIC,
  pendingEvidence,
  pruneEvidence,
  withoutExtensions,
  DuplicateVoteEvidenceSchema,
  type Block,
  type Commit,
  type EvidencePool,
  type Tx,
  type VerifyVote,
} from '../../protocols/chain/index.ts'
import type { ProtocolEffect } from '../../protocols/effects.ts'
import { KV_SET } from '../../protocols/kvstore/index.ts'
import type { MemberStatus } from '../../protocols/membership/index.ts'
import {
  CONSENSUS_TOPIC,
  proposalSignDocument,
  tendermintMachine,
  validatorIndex,
  type ConsensusEvent,
  type DuplicateVoteEvidence,
  type Proposal,
  type SignedProposal,
  type SignedVote,
  type Vote,
} from '../../protocols/tendermint/index.ts'
import { Schema } from 'effect'
import { encodeCanonical } from '../../runtime/codec/cbor.ts'
import { verifySignatureMemoized } from '../../runtime/crypto/verificationMemo.ts'
import type { Envelope } from '../../runtime/envelope.ts'
import { COMMITTED, EVIDENCE_COMMITTED, SLASHED, VALIDATOR_UPDATES } from '../../checks/consensusReports.ts'
import { isMembershipKind } from '../common/membership.ts'
import { hostMachine } from '../common/machineHost.ts'
import type { ActorToolkit } from '../common/toolkit.ts'
import { decodeBlockBytes, rememberBuiltBlock } from './blockDecoding.ts'
import { BlockJudge } from './blockJudge.ts'
import { BlockStore } from './blockStore.ts'
import { ByzantineBehaviourOf, type Outgoing } from './byzantine.ts'
import { CatchUp } from './catchUp.ts'
import type { ChainState } from './chainState.ts'
import type { ValidatorIdentities } from './identities.ts'
import type { ValidatorParams } from './params.ts'
import { PeerLiveness } from './peerLiveness.ts'
import { restoredLock } from './restoredLock.ts'
import { Signer } from './signer.ts'
import { SlashNoticeKeeper } from './slashNoticeKeeper.ts'
import { timerOwner, VALIDATOR_TIMER } from './timers.ts'
import { VoteExtensions } from './voteExtensions.ts'
import { voteVerifier } from './voteVerifier.ts'
import { VoteRun } from './voteRun.ts'

/** Chain status announcements (catch-up) go out on this topic. */
export const CHAIN_STATUS_TOPIC = 'chain'
/** At most this many next-height messages wait for this node to reach their height. */
const MAX_EARLY_MESSAGES = 1_000
/**
 * Proposals for rounds further ahead of this node's are dropped unjudged: judging one
 * means computing its round's proposer, round by round, and a hostile proposer could name
 * round 2^31 (a soak found it: the schedule grew until the process died). An honest
 * proposer re-sends its proposal every gossip interval, so it is judged once this node
 * gets near its round.
 */
const MAX_PROPOSAL_ROUNDS_AHEAD = 8

/**
 * One validator: hosts the Tendermint machine and does the host's part of its contract
 * (src/protocols/tendermint/index.ts) — signs under the double-sign guard, extends its
 * precommits and checks peers' extensions, checks what peers send, builds and judges
 * blocks, applies committed blocks to the application, keeps the mempool and the
 * evidence pool, catches up from peers that membership holds alive, and re-sends its
 * latest messages so that lost ones are recovered.
 */
export class ValidatorNode {
  /** The consensus machine's only entrance: votes may be held back there until its next event. */
  private readonly votes: VoteRun
  private readonly signer: Signer
  private readonly judge: BlockJudge
  private readonly verify: VerifyVote
  private readonly blocks: BlockStore
  private readonly extensions: VoteExtensions
  private readonly catchUp: CatchUp
  private readonly liveness: PeerLiveness
  private readonly mempool = new Mempool()
  private readonly slashNotices: SlashNoticeKeeper
  private evidence: EvidencePool = emptyEvidencePool()
  private readonly byzantine: ByzantineBehaviourOf | undefined
  private readonly peers: readonly string[]
  /** Work that must wait until the machine has finished the event it is processing. */
  private readonly followUps: (() => void)[] = []
  private driving = false
  /** This node's latest signed messages of the current height, re-sent on every gossip tick. */
  private own: { proposal?: Outgoing[]; votes: Map<string, Outgoing[]> } = { votes: new Map() }
  private heightStartedAt: number
  /** Proposals and votes for the height after the current one, replayed when this node gets there. */
  private early: Envelope[] = []
  /** The chain's figures; `figures()` adds block sync's and membership's. */
  private readonly counts = { height: 0, roundsAboveZero: 0, txs: 0, evidence: 0, slashes: 0, proposals: 0, invalidProposals: 0 }

  constructor(
    private readonly tk: ActorToolkit,
    private readonly params: ValidatorParams,
    private readonly identities: ValidatorIdentities,
    private readonly chain: ChainState,
  ) {
    this.signer = new Signer(tk, params.chainId)
    this.verify = voteVerifier(identities)
    this.judge = new BlockJudge(chain, {
      chainId: params.chainId,
      genesisTime: params.genesisTime,
      verify: this.verify,
      evidenceProblem: (ev) => this.evidenceProblem(ev),
    })
    this.blocks = new BlockStore(tk.store)
    this.extensions = new VoteExtensions(chain, this.signer, identities, { chainId: params.chainId, enableHeight: params.voteExtensionsEnableHeight, selfAddress: this.self.address })
    this.peers = identities.all().map((v) => v.name).filter((name) => name !== tk.self.id)
    const behaviour = params.byzantine[tk.self.id]
    if (behaviour !== undefined) {
      const accomplices = this.peers.filter((p) => params.byzantine[p] !== undefined)
      const honest = this.peers.filter((p) => params.byzantine[p] === undefined)
      const half = Math.ceil(honest.length / 2)
      this.byzantine = new ByzantineBehaviourOf(behaviour, params.chainId, this.signer, [honest.slice(0, half), honest.slice(half)], accomplices)
    }
    this.slashNotices = new SlashNoticeKeeper(tk)
    this.replayStoredBlocks()
    this.catchUp = new CatchUp(tk, chain, this.blocks, {
      chainId: params.chainId,
      verify: this.verify,
      extensionChecks: (height) => this.extensions.syncChecks(height),
      isLive: (peer) => this.liveness.isLive(peer),
      // Canonical encoding gives back exactly the bytes the block was decoded from.
      apply: (block, commit) => this.commitBlock(block, encodeCanonical(block), commit, true),
    })
    this.liveness = new PeerLiveness(tk, params.membership, (peer, status) => this.peerStatusChanged(peer, status))
    this.votes = new VoteRun(hostMachine(tendermintMachine, { chainId: params.chainId, address: this.self.address, timeouts: params.timeouts }, tk, (e) => this.intercept(e)))
    this.heightStartedAt = tk.clock.now()
    this.counts.height = this.chain.height
    const height = this.chain.height + 1
    this.drive({
      type: 'tendermint.new-height',
      now: tk.clock.now(),
      height,
      validators: this.chain.setAt(height)!,
      firstRound: this.signer.firstRoundAt(height),
      lock: restoredLock(tk.store, height),
    })
    this.resumeVotes(height)
    tk.timers.set(VALIDATOR_TIMER.gossip, params.gossipInterval)
    tk.timers.set(VALIDATOR_TIMER.evidenceGossip, EVIDENCE_GOSSIP_INTERVAL)
  }

  private get self() {
    return this.identities.named(this.tk.self.id)!
  }

  /** The role's figures: the chain's, blocks synced from peers, and what membership thinks of the peers. */
  figures(): Record<string, number> {
    return { ...this.counts, syncedBlocks: this.catchUp.synced, ...this.liveness.figures() }
  }

  // --- inputs ---

  onMessage(envelope: Envelope): void {
    switch (envelope.kind) {
      case 'tendermint.vote':
        return this.receiveVote(envelope, envelope.body as SignedVote)
      case 'tendermint.proposal':
        return this.receiveProposal(envelope, envelope.body as SignedProposal)
      case 'chain.tx':
        return this.receiveTx(envelope.body as Tx, envelope.to !== `topic:${MEMPOOL_TOPIC}`)
      case 'chain.evidence':
        return this.receiveEvidence(envelope.body)
      case 'chain.status':
        return this.catchUp.peerAt(envelope.from, (envelope.body as { height: number }).height)
      case 'chain.get-blocks':
        return this.catchUp.serve(envelope)
      case 'staking.get-slash-notices':
        return this.slashNotices.serve(envelope)
    }
    if (isMembershipKind(envelope.kind)) this.liveness.deliver(envelope)
  }

  onTimer(name: string, data: unknown): void {
    switch (timerOwner(name)) {
      case 'membership':
        return this.liveness.timer(name, data)
      case 'consensus':
        return this.drive({ type: 'timer', now: this.tk.clock.now(), name, data } as never)
    }
    if (name === VALIDATOR_TIMER.gossip) return this.gossip()
    if (name === VALIDATOR_TIMER.evidenceGossip) {
      this.tk.timers.set(VALIDATOR_TIMER.evidenceGossip, EVIDENCE_GOSSIP_INTERVAL)
      for (const ev of evidenceToGossip(this.evidence)) this.tk.transport.publish(EVIDENCE_TOPIC, 'chain.evidence', ev)
      return
    }
    if (name.startsWith(VALIDATOR_TIMER.delayedPrefix)) this.sendNow(data as Outgoing)
  }

  /** A peer membership declares dead is asked for no more blocks. */
  private peerStatusChanged(peer: string, status: MemberStatus): void {
    if (status === 'dead') this.catchUp.peerDead(peer)
  }

  // --- the machine and its effects ---

  /** Sends one event into the machine, then runs what its effects asked for, in order. */
  private drive(event: ConsensusEvent): void {
    this.enqueue(() => this.votes.send(event))
  }

  /** Hands a signature-checked vote to the machine (perhaps held back in a run of quiet ones), then as `drive`. */
  private countVote(vote: SignedVote): void {
    const now = this.tk.clock.now()
    this.enqueue(() => this.votes.offer(vote, now))
  }

  private enqueue(work: () => void): void {
    this.followUps.push(work)
    if (this.driving) return
    this.driving = true
    try {
      while (this.followUps.length > 0) this.followUps.shift()!()
    } finally {
      this.driving = false
    }
  }

  private intercept(effect: ProtocolEffect): boolean {
    if (effect.type === 'publish' && effect.topic === CONSENSUS_TOPIC) {
      this.followUps.push(() => (effect.kind === 'tendermint.vote' ? this.castVote(effect.body as Vote) : this.propose(effect.body as Proposal)))
      return true
    }
    if (effect.type !== 'report') return false
    switch (effect.event) {
      case 'tendermint.need-proposal':
        this.followUps.push(() => this.prepareProposal(effect.data as { height: number; round: number; lastCommit: readonly SignedVote[] }))
        return false
      case 'tendermint.commit':
        this.followUps.push(() => this.commitDecided(effect.data as { height: number; round: number; blockId: string; block: Uint8Array; commit: readonly SignedVote[] }))
        return false
      case 'tendermint.evidence':
        this.followUps.push(() => this.offerEvidence(effect.data as DuplicateVoteEvidence, true))
        return false
      case 'tendermint.round':
        this.counts.roundsAboveZero += (effect.data as { round: number }).round > 0 ? 1 : 0
        return false
      default:
        return false
    }
  }

  private castVote(vote: Vote): void {
    const signed = this.signer.vote(vote)
    if (signed !== undefined) this.sendOwnVote(signed)
  }

  /** Sends one of this node's signed votes (extended where the height needs it), keeps it for re-gossip, and counts it. */
  private sendOwnVote(guarded: SignedVote): void {
    const signed = this.extensions.extend(guarded)
    const outgoing = this.byzantine?.vote(signed) ?? [{ to: 'all', kind: 'tendermint.vote', body: signed } as const]
    this.own.votes.set(`${signed.round}/${signed.type}`, outgoing)
    for (const o of outgoing) this.send(o)
    this.countVote(signed)
  }

  /**
   * After a restart, the votes this node signed at `height` before it: counted again, so
   * that a polka it was part of stays visible to it, and sent again to peers that missed
   * them. Consensus starts again in the last round it signed in (`firstRoundAt`).
   */
  private resumeVotes(height: number): void {
    const index = validatorIndex(this.chain.setAt(height)!, this.self.address)
    if (index < 0) return
    for (const vote of this.signer.votesSignedAt(height, { address: this.self.address, index })) this.sendOwnVote(vote)
  }

  private propose(proposal: Proposal): void {
    const signed = this.signer.proposal(proposal)
    if (signed === undefined) return
    this.counts.proposals++
    const block = decodeBlockBytes(signed.block)
    let outgoing: Outgoing[] = [{ to: 'all', kind: 'tendermint.proposal', body: signed }]
    if (this.byzantine?.splitsProposals === true && block !== undefined) {
      // The twin differs from the real block by one harmless write, so both are valid blocks.
      const other = this.buildBlockFor(block.header.height, block.lastCommit, [{ type: KV_SET, key: 'fork', value: `${this.tk.self.id}@${block.header.height}/${proposal.round}` }])
      this.byzantine.observeProposal(signed, false)
      this.byzantine.observeProposal({ ...signed, blockId: other.blockId }, false)
      outgoing = this.byzantine.splitProposal(signed, other)
    }
    this.own.proposal = outgoing
    for (const o of outgoing) this.send(o)
    this.drive({ type: 'tendermint.proposal', now: this.tk.clock.now(), from: this.tk.self.id, id: `self:proposal:${proposal.round}`, body: signed, valid: true, blockTime: block?.header.time ?? 0 })
  }

  private send(outgoing: Outgoing): void {
    if (this.byzantine?.silent === true) return
    const delay = this.byzantine?.delay ?? 0
    if (delay > 0) this.tk.timers.set(`${VALIDATOR_TIMER.delayedPrefix}${outgoing.kind}:${(outgoing.body as { height: number }).height}:${(outgoing.body as { round: number }).round}:${this.tk.random.int(2 ** 30)}`, delay, outgoing)
    else this.sendNow(outgoing)
  }

  private sendNow(outgoing: Outgoing): void {
    if (outgoing.to === 'all') this.tk.transport.publish(CONSENSUS_TOPIC, outgoing.kind, outgoing.body)
    else for (const peer of outgoing.to) this.tk.transport.send(peer, outgoing.kind, outgoing.body)
  }

  // --- proposing ---

  private prepareProposal(request: { height: number; round: number; lastCommit: readonly SignedVote[] }): void {
    const { height } = request
    const lastCommit = height === 1 ? null : this.lastCommitFor(height, request.lastCommit)
    const txs = this.mempool.reap(this.params.maxBlockBytes, this.params.maxBlockTxs)
    const value = this.buildBlockFor(height, lastCommit, txs)
    this.drive({ type: 'tendermint.proposal-value', now: this.tk.clock.now(), height, round: request.round, value })
  }

  /**
   * The commit of height − 1 to build block `height` on: the precommits consensus
   * collected (late ones included, which downtime accounting wants), or the stored commit
   * when this node reached height − 1 by block sync and its consensus never saw those
   * precommits. Either keeps the precommits' vote extensions, for PrepareProposal.
   */
  private lastCommitFor(height: number, precommits: readonly SignedVote[]): Commit {
    const collected = makeCommit(height - 1, this.chain.commitRounds.get(height - 1)!, this.chain.blockIds.get(height - 1)!, precommits)
    if (verifyCommit(collected, this.chain.setAt(height - 1)!, this.params.chainId, this.verify) === undefined) return collected
    return this.blocks.load(height - 1)!.commit
  }

  /** A block on top of `extendedCommit` (the previous height's, with its vote extensions): PrepareProposal picks its transactions. */
  private buildBlockFor(height: number, extendedCommit: Commit | null, candidates: readonly Tx[]): { blockId: string; block: Uint8Array; blockTime: number } {
    const lastValidators = this.chain.setAt(height - 1) ?? null
    const lastCommit = extendedCommit === null ? null : withoutExtensions(extendedCommit)
    const time = expectedBlockTime(lastCommit, lastValidators, this.params.genesisTime) ?? this.params.genesisTime
    const evidence = pendingEvidence(this.evidence, this.evidence.params.maxBytes)
    const draft = { header: { height, time, proposerAddress: this.self.address }, lastCommit, evidence }
    const info = { ...blockInfoOf(draft, lastValidators, this.chain.pubKeyOf), localLastCommit: this.extensions.localLastCommit(extendedCommit) }
    const txs = this.chain.app.prepareProposal(this.chain.appState, candidates, info)
    const block = buildBlock({
      chainId: this.params.chainId,
      height,
      time,
      lastBlockId: height === 1 ? null : this.chain.blockIds.get(height - 1)!,
      proposerAddress: this.self.address,
      validators: this.chain.setAt(height)!.validators,
      nextValidators: this.chain.setAt(height + 1)!.validators,
      // An invalid-proposals validator lies about the application state: every honest check catches it.
      appHash: this.byzantine?.corruptsProposals === true ? `forged-${this.chain.appHash}` : this.chain.appHash,
      txs,
      evidence,
      lastCommit,
    })
    const bytes = encodeCanonical(block)
    rememberBuiltBlock(bytes, block)
    return { blockId: blockIdOf(block), block: bytes, blockTime: time }
  }

  // --- judging what peers send ---

  /**
   * A message for the next height arrives when a peer committed the current one first
   * (always so with timeout_commit 0): keep it for when this node gets there.
   */
  private tooEarly(envelope: Envelope, height: number): boolean {
    if (height <= this.chain.height + 1) return false
    if (height === this.chain.height + 2 && this.early.length < MAX_EARLY_MESSAGES) this.early.push(envelope)
    return true
  }

  private receiveVote(envelope: Envelope, vote: SignedVote): void {
    if (this.tooEarly(envelope, vote.height)) return
    if (!voteSignatureValid(this.params.chainId, vote, this.verify)) {
      this.tk.metrics.count('validator.bad-signatures')
      return
    }
    const problem = this.extensions.problem(vote)
    if (problem !== undefined) {
      this.tk.metrics.count('validator.invalid-vote-extensions')
      this.tk.log.log('info', `dropping ${vote.type} ${vote.height}/${vote.round} of ${vote.validatorAddress}: ${problem}`)
      return
    }
    this.countVote(vote)
  }

  private receiveProposal(envelope: Envelope, proposal: SignedProposal): void {
    // Re-gossip from a peer that had not yet seen the height committed: late, not invalid.
    if (proposal.height <= this.chain.height) return
    if (proposal.height === this.chain.height + 2 && this.tooEarly(envelope, proposal.height)) return
    if (proposal.round > this.votes.round + MAX_PROPOSAL_ROUNDS_AHEAD) {
      this.tk.metrics.count('validator.proposals-too-far-ahead')
      return
    }
    const identity = this.identities.withAddress(proposal.proposerAddress)
    const signedBytes = encodeCanonical(proposalSignDocument(this.params.chainId, proposal))
    if (identity === undefined || !verifySignatureMemoized(identity.publicKey, signedBytes, proposal.sig)) {
      this.tk.metrics.count('validator.bad-signatures')
      return
    }
    for (const o of this.byzantine?.observeProposal(proposal, this.params.byzantine[identity.name] !== undefined) ?? []) this.send(o)
    const block = decodeBlockBytes(proposal.block)
    // A proposal for a later height says its proposer has committed the one before: catch up now.
    if (block !== undefined && proposal.height > this.chain.height + 1) this.catchUp.peerAt(identity.name, proposal.height - 1)
    const problem = block === undefined ? 'the block does not decode' : this.judgeProposal(proposal, block)
    if (problem !== undefined) {
      this.counts.invalidProposals++
      this.tk.log.log('info', `rejecting proposal ${proposal.height}/${proposal.round} from ${identity.name}: ${problem}`)
    }
    this.drive({ type: 'tendermint.proposal', now: this.tk.clock.now(), from: envelope.from, id: envelope.id, body: proposal, valid: problem === undefined, blockTime: block?.header.time ?? 0 })
  }

  /** Why this node must not prevote the proposed block, or undefined (CometBFT validateBlock + ProcessProposal). */
  private judgeProposal(proposal: SignedProposal, block: Block): string | undefined {
    if (blockIdOf(block) !== proposal.blockId) return "the block does not hash to the proposal's block id"
    if (block.header.height !== proposal.height) return `the block is for height ${block.header.height}, the proposal for ${proposal.height}`
    // A re-proposed valid value keeps the header of the round it was made in.
    return this.judge.problem(block, proposal.polRound >= 0 ? proposal.polRound : proposal.round, proposal.polRound < 0)
  }

  // --- committing ---

  private commitDecided(decided: { height: number; round: number; blockId: string; block: Uint8Array; commit: readonly SignedVote[] }): void {
    const block = decodeBlockBytes(decided.block)
    if (block === undefined) throw new Error(`decided block at height ${decided.height} does not decode`)
    const commit = makeCommit(decided.height, decided.round, decided.blockId, decided.commit)
    // What the validity check judges: the decided block passes this node's own checks.
    const problem = this.judge.problem(block, decided.round, false)
    if (problem !== undefined) this.tk.log.log('error', `committing a block that fails its checks at height ${decided.height}: ${problem}`)
    this.commitBlock(block, decided.block, commit, problem === undefined)
  }

  private commitBlock(block: Block, bytes: Uint8Array, commit: Commit, valid: boolean): void {
    const height = block.header.height
    const validators = this.chain.setAt(height)!
    this.blocks.save(height, { block: bytes, commit })
    const result = this.chain.apply(block, commit)
    this.mempool.removeCommitted(block.txs, result.txResults)
    this.mempool.recheck((tx) => this.chain.app.checkTx(this.chain.appState, tx))
    this.evidence = pruneEvidence(markCommitted(this.evidence, block.evidence), { height, time: block.header.time }).pool
    this.catchUp.committed(height)
    this.account(block, result.events)
    this.tk.reports.report(COMMITTED, {
      height,
      round: commit.round,
      blockId: commit.blockId,
      time: block.header.time,
      proposer: this.identities.nameOf(block.header.proposerAddress),
      txs: block.txs.length,
      evidence: block.evidence.length,
      valid,
      validators: this.identities.membersOf(validators),
    })
    this.tk.metrics.observe('validator.block-interval', this.tk.clock.now() - this.heightStartedAt)
    this.heightStartedAt = this.tk.clock.now()
    for (const ev of block.evidence) this.tk.reports.report(EVIDENCE_COMMITTED, { height, validator: this.identities.nameOf(ev.voteA.validatorAddress), evidenceHeight: ev.voteA.height })
    this.tk.reports.report(VALIDATOR_UPDATES, {
      height,
      updates: result.validatorUpdates.map((u) => ({ name: this.identities.withPubKey(u.pubKey)?.name ?? u.pubKey, power: Number(u.power) })),
    })
    for (const event of result.events) {
      if (event.event !== 'staking.slashed') continue
      const data = event.data as { pubKey: string; reason: string; amount: bigint }
      this.tk.reports.report(SLASHED, { validator: this.identities.withPubKey(data.pubKey)?.name ?? data.pubKey, reason: data.reason, height, amount: String(data.amount) })
    }
    this.slashNotices.committed(height, result.events)
    this.own = { votes: new Map() }
    this.drive({ type: 'tendermint.new-height', now: this.tk.clock.now(), height: height + 1, validators: this.chain.setAt(height + 1)! })
    const early = this.early
    this.early = []
    for (const envelope of early) this.onMessage(envelope)
  }

  private replayStoredBlocks(): void {
    for (let height = 1; ; height++) {
      const stored = this.blocks.load(height)
      const block = stored === undefined ? undefined : decodeBlockBytes(stored.block)
      if (stored === undefined || block === undefined) return
      const result = this.chain.apply(block, stored.commit)
      this.account(block, result.events)
      this.slashNotices.replayed(height, result.events)
      this.mempool.removeCommitted(block.txs, result.txResults)
      this.evidence = markCommitted(this.evidence, block.evidence)
    }
  }

  /** The chain-level figures, counted alike for blocks committed live and blocks replayed at start. */
  private account(block: Block, events: readonly { readonly event: string }[]): void {
    this.counts.height = block.header.height
    this.counts.txs += block.txs.length
    this.counts.evidence += block.evidence.length
    this.counts.slashes += events.filter((e) => e.event === 'staking.slashed').length
  }

  // --- mempool and evidence ---

  private receiveTx(tx: Tx, fromClient: boolean): void {
    const outcome = this.mempool.add(tx, (t) => this.chain.app.checkTx(this.chain.appState, t))
    this.tk.metrics.count(`mempool.${outcome.outcome}`)
    if (outcome.outcome === 'added' && fromClient) this.tk.transport.publish(MEMPOOL_TOPIC, 'chain.tx', tx)
  }

  private receiveEvidence(body: unknown): void {
    const decoded = Schema.decodeUnknownEither(DuplicateVoteEvidenceSchema)(body)
    if (Either.isRight(decoded)) this.offerEvidence(decoded.right, false)
  }

  private offerEvidence(evidence: DuplicateVoteEvidence, detectedHere: boolean): void {
    const tip = { height: this.chain.height, time: this.chain.blockTimes.get(this.chain.height) ?? this.params.genesisTime }
    const { pool, result } = addEvidence(this.evidence, evidence, tip, (ev) => this.evidenceProblem(ev))
    this.evidence = pool
    if (result.outcome === 'added' && detectedHere) this.tk.transport.publish(EVIDENCE_TOPIC, 'chain.evidence', evidence)
  }

  private evidenceProblem(evidence: DuplicateVoteEvidence): string | undefined {
    const height = evidence.voteA.height
    const validators = height <= this.chain.height ? this.chain.membersAt(height) : undefined
    const blockTime = this.blockTimeAt(height)
    if (validators === undefined || blockTime === undefined) return `height ${height} is not committed here yet`
    return checkDuplicateVoteEvidence(evidence, { chainId: this.params.chainId, validators, blockTime, verify: this.verify })
  }

  /** A committed height's block time: kept in memory for recent heights, read from the block store for older ones. */
  private blockTimeAt(height: number): number | undefined {
    const recent = this.chain.blockTimes.get(height)
    if (recent !== undefined || height < 1 || height > this.chain.height) return recent
    const stored = this.blocks.load(height)
    return stored === undefined ? undefined : decodeBlockBytes(stored.block)?.header.time
  }

  // --- gossip and catching up ---

  private gossip(): void {
    this.tk.timers.set(VALIDATOR_TIMER.gossip, this.params.gossipInterval)
    this.tk.transport.publish(CHAIN_STATUS_TOPIC, 'chain.status', { height: this.chain.height })
    for (const o of this.own.proposal ?? []) this.send(o)
    for (const outgoing of this.own.votes.values()) for (const o of outgoing) this.send(o)
    this.catchUp.requestMissing()
  }
}
