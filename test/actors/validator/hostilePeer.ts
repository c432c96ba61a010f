import { Effect } from 'effect'
import fc from 'fast-check'
import { actorToolkit, type ActorToolkit } from '../../../src/actors/common/toolkit.ts'
import { CHAIN_STATUS_TOPIC } from '../../../src/actors/validator/validatorNode.ts'
import { decodeBlockBytes } from '../../../src/actors/validator/blockDecoding.ts'
import { blockIdOf, EVIDENCE_TOPIC, MEMPOOL_TOPIC, signTx, txHash, txsHash, type Tx } from '../../../src/protocols/chain/index.ts'
import {
  CONSENSUS_TOPIC,
  proposalSignDocument,
  voteExtensionSignDocument,
  voteSignDocument,
  withoutExtension,
  type SignedProposal,
  type SignedVote,
} from '../../../src/protocols/tendermint/index.ts'
import type { ActorDef } from '../../../src/runtime/actor.ts'
import { encodeCanonical } from '../../../src/runtime/codec/cbor.ts'
import { publicKeyHex } from '../../../src/runtime/crypto/ed25519.ts'
import type { Envelope } from '../../../src/runtime/envelope.ts'
import { Transport } from '../../../src/runtime/services.ts'

/**
 * A validator that runs the honest code and, beside it, sends its peers whatever a
 * generated plan says: well-formed messages with hostile content, signed with its own
 * key (so that they get past the signature check and into the code behind it) or forged
 * for a peer, for heights and rounds near the chain's or absurdly far, and lies when
 * peers sync blocks from it. The plan is data, so fast-check can shrink a failure.
 */

/** A height relative to the highest one the peer has seen (at least 1), far ahead, or absurd. */
type HeightPick = number | 'far' | 'huge'

export type HostileAction =
  | {
      readonly type: 'vote'
      readonly step: 'prevote' | 'precommit'
      readonly height: HeightPick
      readonly round: number
      /** For nil, for the block of a proposal it saw, or for a block nobody proposed. */
      readonly block: 'nil' | 'seen' | 'unknown'
      /** As itself, or under a peer's address (a signature that cannot verify). */
      readonly as: 'self' | 'peer'
      /** Its own index in the set, a peer's, or one past the set. */
      readonly index: 'own' | 'peer' | 'beyond'
      readonly extension: 'none' | 'signed' | 'unsigned'
      readonly toOne: boolean
    }
  | {
      readonly type: 'proposal'
      readonly height: HeightPick
      readonly round: number
      readonly polRound: 'fresh' | 'previous' | 'any'
      /** A block a peer proposed, that block with a byte changed, random bytes, or nothing. */
      readonly block: 'seen' | 'mutated' | 'garbage' | 'empty'
      readonly blockId: 'of-block' | 'unknown'
      readonly toOne: boolean
    }
  | { readonly type: 'status'; readonly height: HeightPick }
  | { readonly type: 'get-blocks'; readonly from: HeightPick; readonly max: number }
  | { readonly type: 'tx'; readonly tx: Readonly<Record<string, unknown>>; readonly toOne: boolean }
  /**
   * Evidence of a double sign that is none: a real vote (a peer's, or its own) beside a
   * twin for another block that keeps the real one's signature, powers and time made up.
   */
  | { readonly type: 'evidence'; readonly against: 'peer' | 'self' }
  /** Membership gossip about a member (a peer, itself, or a name nobody has): alive, suspect or dead, at any incarnation. */
  | { readonly type: 'gossip'; readonly kind: 'ping' | 'ack' | 'ping-req'; readonly about: 'peer' | 'self' | 'nobody'; readonly status: 'alive' | 'suspect' | 'dead'; readonly incarnation: number }
  /** A stake change in its own favour, signed with its own key (the stake aggregator's is what counts). */
  | { readonly type: 'stake-grab'; readonly change: 'delegate' | 'sync-lst' | 'create-validator' | 'set-price' }
  /** A message a peer sent, sent again to one peer. */
  | { readonly type: 'replay'; readonly pick: number }

/** What it answers when a peer asks it for blocks: the truth, random bytes, or real blocks under a forged commit. */
export type SyncLie = 'honest' | 'garbage' | 'forged-commit'

/**
 * What it does the moment a peer's proposal reaches it: nothing, or propose that block
 * (one the others are judging right now) again as its own — for the same round, for
 * round 2^31, or for round 2^31 of a height two ahead.
 */
export type ProposalEcho = 'none' | 'same-round' | 'far-round' | 'far-round-later-height'

export type StakeReplay = 'none' | 'seen' | 'withheld'

export interface HostilePlan {
  /** Each action with the milliseconds to wait before it, over and over until the run ends. */
  readonly actions: readonly { readonly afterMs: number; readonly action: HostileAction }[]
  readonly syncLie: SyncLie
  readonly echo: ProposalEcho
  /**
   * Whether the blocks it proposes carry, beside what its honest code chose, every stake
   * change the stake aggregator signed that it has seen: `seen`, committed ones too, to
   * bond them twice; `withheld`, it also keeps them from its honest code (which would
   * gossip them), so that one the aggregator sent it lands late, if at all: a total after
   * the aggregator's next one, to put the older value back.
   */
  readonly stakeReplay: StakeReplay
  /** The run's seed, from which the peer's own picks (bytes, a peer to send to) come too. */
  readonly seed: number
}

const heightPick: fc.Arbitrary<HeightPick> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<'far' | 'huge'>('far', 'huge') },
)
const roundPick = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(50, 2 ** 31, 2 ** 40) })

/** Transactions a client may send: the key-value application's, malformed ones, ones no application owns, unsigned stake changes. */
const txPick: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('kv.set'), key: fc.string({ maxLength: 40 }), value: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
  fc.record({ type: fc.constantFrom('kv.set', 'kv.delete', 'kv.nothing', 'nobody.owns-this'), key: fc.jsonValue(), value: fc.jsonValue() }),
  fc.record({ type: fc.constantFrom('staking.delegate', 'staking.unjail', 'staking.set-price'), validator: fc.string(), amount: fc.jsonValue() }),
)

const actionPick: fc.Arbitrary<HostileAction> = fc.oneof(
  fc.record({
    type: fc.constant('vote' as const),
    step: fc.constantFrom('prevote' as const, 'precommit' as const),
    height: heightPick,
    round: roundPick,
    block: fc.constantFrom('nil' as const, 'seen' as const, 'unknown' as const),
    as: fc.constantFrom('self' as const, 'self' as const, 'peer' as const),
    index: fc.constantFrom('own' as const, 'own' as const, 'peer' as const, 'beyond' as const),
    extension: fc.constantFrom('none' as const, 'none' as const, 'signed' as const, 'unsigned' as const),
    toOne: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('proposal' as const),
    height: heightPick,
    round: roundPick,
    polRound: fc.constantFrom('fresh' as const, 'previous' as const, 'any' as const),
    block: fc.constantFrom('seen' as const, 'mutated' as const, 'garbage' as const, 'empty' as const),
    blockId: fc.constantFrom('of-block' as const, 'unknown' as const),
    toOne: fc.boolean(),
  }),
  fc.record({ type: fc.constant('status' as const), height: heightPick }),
  fc.record({ type: fc.constant('get-blocks' as const), from: heightPick, max: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ type: fc.constant('tx' as const), tx: txPick, toOne: fc.boolean() }),
  fc.record({ type: fc.constant('evidence' as const), against: fc.constantFrom('peer' as const, 'self' as const) }),
  fc.record({
    type: fc.constant('gossip' as const),
    kind: fc.constantFrom('ping' as const, 'ack' as const, 'ping-req' as const),
    about: fc.constantFrom('peer' as const, 'self' as const, 'nobody' as const),
    status: fc.constantFrom('alive' as const, 'suspect' as const, 'dead' as const),
    incarnation: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(2 ** 40)),
  }),
  fc.record({ type: fc.constant('stake-grab' as const), change: fc.constantFrom('delegate' as const, 'sync-lst' as const, 'create-validator' as const, 'set-price' as const) }),
  fc.record({ type: fc.constant('replay' as const), pick: fc.nat() }),
)

export const hostilePlan: fc.Arbitrary<HostilePlan> = fc.record({
  actions: fc.array(fc.record({ afterMs: fc.integer({ min: 1, max: 300 }), action: actionPick }), { minLength: 10, maxLength: 100 }),
  syncLie: fc.constantFrom<SyncLie>('honest', 'garbage', 'forged-commit'),
  echo: fc.constantFrom<ProposalEcho>('none', 'same-round', 'far-round', 'far-round-later-height'),
  stakeReplay: fc.constantFrom<StakeReplay>('none', 'seen', 'withheld'),
  seed: fc.nat(),
})

const HOSTILE_TIMER = 'hostile.act'
const MS = 1_000
/** How long it holds a stake change back before it proposes it (withheld). */
const WITHHELD_FOR = 1_000_000
/** How many of its peers' latest messages it keeps to replay and to build on. */
const KEPT = 32

/** `def` (a validator) with a hostile peer riding along: it sees every message first and acts on its own timer. */
export const withHostilePeer = (def: ActorDef, plan: HostilePlan, chainId: string): ActorDef => ({
  ...def,
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const peer = new HostilePeer(tk, plan, chainId)
    const honest = yield* Effect.updateService(def.start, Transport, (transport) => ({
      ...transport,
      publish: (topic: string, kind: string, body: unknown) => {
        if (kind === 'tendermint.vote') peer.ownVote(body as SignedVote)
        transport.publish(topic, kind, kind === 'tendermint.proposal' ? peer.ownProposal(body as SignedProposal) : body)
      },
    }))
    peer.begin()
    return {
      ...honest,
      onMessage: (envelope) => {
        if (peer.intercepts(envelope)) return
        honest.onMessage(envelope)
      },
      onTimer: (name, data) => (name === HOSTILE_TIMER ? peer.act() : honest.onTimer?.(name, data)),
    }
  }),
})

class HostilePeer {
  private next = 0
  private highest = 1
  private readonly proposals: SignedProposal[] = []
  private readonly votes: SignedVote[] = []
  private readonly seen: Envelope[] = []
  /** Stake changes signed by someone else (the stake aggregator), by tx hash, with when it first saw each. */
  private readonly stakeChanges = new Map<string, { readonly tx: Tx; readonly since: number }>()
  /** Hashes of the transactions in blocks others proposed: withheld changes that got out another way. */
  private readonly proposedByOthers = new Set<string>()
  /** Its proposals as it sent them, by height/round: the same one each time it re-sends. */
  private readonly sentProposals = new Map<string, SignedProposal>()
  private own: SignedVote | undefined

  constructor(
    private readonly tk: ActorToolkit,
    private readonly plan: HostilePlan,
    private readonly chainId: string,
  ) {
  }

  begin(): void {
    this.tk.timers.set(HOSTILE_TIMER, this.plan.actions[0]!.afterMs * MS)
  }

  ownVote(vote: SignedVote): void {
    this.own = vote
  }

  /** Its honest proposal, or (stakeReplay) the same block with the stake changes it has seen added. */
  ownProposal(proposal: SignedProposal): SignedProposal {
    const key = `${proposal.height}/${proposal.round}`
    const sent = this.sentProposals.get(key)
    if (sent !== undefined) return sent
    const block = decodeBlockBytes(proposal.block)
    const added = this.stakeChangesToAdd().filter((tx) => !block?.txs.some((t) => txHash(t) === txHash(tx)))
    if (block === undefined || added.length === 0) return proposal
    const txs = [...block.txs, ...added]
    const stuffed = { ...block, txs, header: { ...block.header, txsHash: txsHash(txs) } }
    const changed = { ...proposal, blockId: blockIdOf(stuffed), block: encodeCanonical(stuffed) }
    const replaced = { ...changed, sig: this.sign(proposalSignDocument(this.chainId, changed)) }
    this.sentProposals.set(key, replaced)
    return replaced
  }

  /**
   * What it adds to its proposals: `seen`, every stake change seen; `withheld`, those it has
   * held back for a second (time for the aggregator's next step to land first) that no
   * other proposer has put in a block, so that its proposals stay valid until then.
   */
  private stakeChangesToAdd(): Tx[] {
    if (this.plan.stakeReplay === 'none') return []
    const changes = [...this.stakeChanges.values()]
    if (this.plan.stakeReplay === 'seen') return changes.map(({ tx }) => tx)
    const heldSince = this.tk.clock.now() - WITHHELD_FOR
    return changes.filter(({ tx, since }) => since <= heldSince && !this.proposedByOthers.has(txHash(tx))).map(({ tx }) => tx)
  }

  /** Notes what peers send; keeps stake changes from its honest code, and answers block requests itself, when it lies about them. */
  intercepts(envelope: Envelope): boolean {
    if (envelope.from !== this.tk.self.id) {
      keep(this.seen, envelope)
      const tx = envelope.body as Tx
      if (envelope.kind === 'chain.tx' && tx.type.startsWith('staking.') && tx['signer'] !== publicKeyHex(this.tk.keys.publicKey)) {
        if (!this.stakeChanges.has(txHash(tx))) this.stakeChanges.set(txHash(tx), { tx, since: this.tk.clock.now() })
        if (this.plan.stakeReplay === 'withheld') return true
      }
      if (envelope.kind === 'tendermint.vote') keep(this.votes, envelope.body as SignedVote)
      if (envelope.kind === 'tendermint.proposal') {
        keep(this.proposals, envelope.body as SignedProposal)
        if (this.plan.stakeReplay === 'withheld') for (const t of decodeBlockBytes((envelope.body as SignedProposal).block)?.txs ?? []) this.proposedByOthers.add(txHash(t))
        this.echo(envelope.body as SignedProposal)
      }
      const height = (envelope.body as { height?: unknown }).height
      if (typeof height === 'number' && (envelope.kind.startsWith('tendermint.') || envelope.kind === 'chain.status')) this.highest = Math.max(this.highest, height)
    }
    if (envelope.kind !== 'chain.get-blocks' || this.plan.syncLie === 'honest') return false
    this.tk.transport.reply(envelope, 'chain.blocks', { blocks: this.lieAboutBlocks() })
    return true
  }

  /** The plan's next action; the plan starts over when it ends, so that a short one lasts the whole run. */
  act(): void {
    const actions = this.plan.actions
    this.perform(actions[this.next]!.action)
    this.next = (this.next + 1) % actions.length
    this.tk.timers.set(HOSTILE_TIMER, actions[this.next]!.afterMs * MS)
  }

  private perform(action: HostileAction): void {
    switch (action.type) {
      case 'vote':
        return this.vote(action)
      case 'proposal':
        return this.proposal(action)
      case 'status':
        return this.tk.transport.publish(CHAIN_STATUS_TOPIC, 'chain.status', { height: this.height(action.height) })
      case 'get-blocks':
        return this.tk.transport.request(this.onePeer(), 'chain.get-blocks', { from: this.height(action.from), max: action.max }, 2_000_000, () => {})
      case 'tx':
        return action.toOne ? this.tk.transport.send(this.onePeer(), 'chain.tx', action.tx) : this.tk.transport.publish(MEMPOOL_TOPIC, 'chain.tx', action.tx)
      case 'evidence':
        return this.evidence(action.against)
      case 'gossip': {
        const member = action.about === 'peer' ? this.onePeer() : action.about === 'self' ? this.tk.self.id : 'validator-nobody'
        const updates = [{ member, status: action.status, incarnation: action.incarnation }]
        const body = action.kind === 'ping-req' ? { seq: action.incarnation, incarnation: action.incarnation, target: member, updates } : { seq: action.incarnation, incarnation: action.incarnation, updates }
        return this.tk.transport.send(this.onePeer(), `membership.${action.kind}`, body)
      }
      case 'stake-grab':
        return this.tk.transport.publish(MEMPOOL_TOPIC, 'chain.tx', this.stakeGrab(action.change))
      case 'replay': {
        const envelope = this.seen[action.pick % Math.max(1, this.seen.length)]
        if (envelope !== undefined) this.tk.transport.send(this.onePeer(), envelope.kind, envelope.body)
        return
      }
    }
  }

  private vote(action: Extract<HostileAction, { type: 'vote' }>): void {
    const own = this.own
    const peerVote = this.votes.at(-1)
    if (own === undefined) return
    const blockId = action.block === 'nil' ? null : action.block === 'seen' ? (this.proposals.at(-1)?.blockId ?? null) : this.garbageHex()
    const unsigned = { type: action.step, height: this.height(action.height), round: action.round, blockId, timestamp: this.tk.clock.now() }
    const index = action.index === 'own' ? own.validatorIndex : action.index === 'peer' ? (peerVote?.validatorIndex ?? 0) : 999
    const address = action.as === 'self' ? own.validatorAddress : (peerVote?.validatorAddress ?? own.validatorAddress)
    let vote: SignedVote = { ...unsigned, validatorAddress: address, validatorIndex: index, sig: this.sign(voteSignDocument(this.chainId, unsigned)) }
    if (action.extension !== 'none') {
      const extension = this.garbageBytes(16)
      const extensionSig = action.extension === 'signed' ? this.sign(voteExtensionSignDocument(this.chainId, { height: vote.height, round: vote.round, extension })) : this.garbageBytes(64)
      vote = { ...vote, extension, extensionSig }
    }
    this.sendConsensus('tendermint.vote', vote, action.toOne)
  }

  private proposal(action: Extract<HostileAction, { type: 'proposal' }>): void {
    const seen = this.proposals.at(-1)
    const block =
      action.block === 'seen' && seen !== undefined
        ? seen.block
        : action.block === 'mutated' && seen !== undefined
          ? mutated(seen.block, this.tk.random.int(seen.block.length + 1))
          : action.block === 'empty'
            ? new Uint8Array(0)
            : this.garbageBytes(200)
    const round = action.round
    const polRound = action.polRound === 'fresh' || round === 0 ? -1 : action.polRound === 'previous' ? round - 1 : Math.floor(this.tk.random.next() * round)
    const unsigned = {
      height: this.height(action.height),
      round,
      polRound,
      blockId: action.blockId === 'of-block' && seen !== undefined ? seen.blockId : this.garbageHex(),
      timestamp: this.tk.clock.now(),
      proposerAddress: this.own?.validatorAddress ?? seen?.proposerAddress ?? '00',
      block,
    }
    this.sendConsensus('tendermint.proposal', { ...unsigned, sig: this.sign(proposalSignDocument(this.chainId, unsigned)) }, action.toOne)
  }

  private echo(proposal: SignedProposal): void {
    const own = this.own
    if (this.plan.echo === 'none' || own === undefined) return
    const unsigned = {
      ...proposal,
      height: this.plan.echo === 'far-round-later-height' ? proposal.height + 2 : proposal.height,
      round: this.plan.echo === 'same-round' ? proposal.round : 2 ** 31,
      polRound: -1,
      proposerAddress: own.validatorAddress,
      timestamp: this.tk.clock.now(),
    }
    this.sendConsensus('tendermint.proposal', { ...unsigned, sig: this.sign(proposalSignDocument(this.chainId, unsigned)) }, false)
  }

  private evidence(against: 'peer' | 'self'): void {
    const real = against === 'peer' ? this.votes.find((v) => v.blockId !== null) : this.own
    if (real === undefined) return
    const plain = withoutExtension(real)
    const twin = { ...plain, blockId: this.garbageHex() }
    const [voteA, voteB] = (plain.blockId ?? '') < twin.blockId ? [plain, twin] : [twin, plain]
    this.tk.transport.publish(EVIDENCE_TOPIC, 'chain.evidence', { voteA, voteB, totalVotingPower: 40, validatorPower: 10, timestamp: this.tk.clock.now() })
  }

  private stakeGrab(change: Extract<HostileAction, { type: 'stake-grab' }>['change']): Tx {
    const self = publicKeyHex(this.tk.keys.publicKey)
    const plenty = '1000000000000000'
    const tx: Tx =
      change === 'delegate'
        ? { type: 'staking.delegate', validator: self, delegator: self, amount: plenty }
        : change === 'sync-lst'
          ? { type: 'staking.sync-lst', operator: self, strategy: 'stETH', shares: plenty }
          : change === 'create-validator'
            ? { type: 'staking.create-validator', pubKey: this.garbageHex(), selfStake: plenty }
            : { type: 'staking.set-price', asset: 'stETH', price: plenty }
    return signTx(this.chainId, { ...tx, nonce: this.garbageHex() }, self, this.tk.keys.sign)
  }

  private lieAboutBlocks(): { block: Uint8Array; commit: unknown }[] {
    const commitOf = (p: SignedProposal) => ({ height: p.height, round: p.round, blockId: p.blockId, signatures: [...this.votes.filter((v) => v.type === 'precommit').slice(-3)] })
    if (this.plan.syncLie === 'garbage') return [{ block: this.garbageBytes(300), commit: { height: 1, round: 0, blockId: this.garbageHex(), signatures: [] } }]
    return this.proposals.slice(-3).map((p) => ({ block: p.block, commit: commitOf(p) }))
  }

  private sendConsensus(kind: string, body: unknown, toOne: boolean): void {
    if (toOne) this.tk.transport.send(this.onePeer(), kind, body)
    else this.tk.transport.publish(CONSENSUS_TOPIC, kind, body)
  }

  private height(pick: HeightPick): number {
    if (pick === 'far') return this.highest + 1_000
    if (pick === 'huge') return 2 ** 40
    return Math.max(1, this.highest + pick)
  }

  private onePeer(): string {
    const peers = [...new Set(this.seen.map((e) => e.from))].sort()
    return peers.length === 0 ? this.tk.self.id : peers[this.tk.random.int(peers.length)]!
  }

  private sign(document: object): Uint8Array {
    return this.tk.keys.sign(encodeCanonical(document))
  }

  /** Random bytes from the actor's stream, derived from the run seed (the plan's). */
  private garbageBytes(length: number): Uint8Array {
    return this.tk.random.bytes(length)
  }

  private garbageHex(): string {
    return Buffer.from(this.garbageBytes(32)).toString('hex')
  }
}

const keep = <T>(list: T[], item: T): void => {
  list.push(item)
  if (list.length > KEPT) list.shift()
}

const mutated = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = bytes.slice()
  if (copy.length > 0) copy[at % copy.length] = copy[at % copy.length]! ^ 0x5a
  return copy
}
