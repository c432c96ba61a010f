import type { SignedVote, VoteType } from './messages.ts'

/**
 * The votes of one (height, round, type), weighted by voting power (CometBFT's
 * `types/vote_set.go`). A validator counts once towards "any": its first vote stands,
 * the same vote again is ignored, a different one is a conflict the caller turns into
 * evidence. A conflicting vote still adds its power to the block it names, as CometBFT
 * does once a peer claims +2/3 for that block (`peerMaj23`): otherwise an equivocator
 * whose two votes arrive in different orders at different validators could hide a
 * polka from some of them forever and stall the chain. Safety is kept: two +2/3
 * majorities for different blocks would need an honest validator in both.
 */
export interface VoteSet {
  readonly height: number
  readonly round: number
  readonly type: VoteType
  /** N: the total power of the height's validator set. */
  readonly totalPower: bigint
  /** `quorum(totalPower)`, computed once: every vote is compared with it. */
  readonly quorum: bigint
  /**
   * The counted votes, newest first, at most one per validator. Every vote makes a new
   * set, so the votes are a list that a new vote extends without copying (copying a map
   * or an array of the set made a 64-validator height quadratic in its votes), with
   * `voted` telling who is in it.
   */
  readonly votes: CountedVotes | null
  /** Bit `i % VOTED_BITS` of word `⌊i / VOTED_BITS⌋` is set when validator index i has a counted vote. */
  readonly voted: readonly number[]
  /** Power behind each block id voted for (nil under NIL_KEY): a short list, copied on every vote. */
  readonly powerByBlock: readonly BlockPower[]
  /** Power of all counted votes, whatever they are for. */
  readonly sum: bigint
  /** The first block id (null for nil) whose power passed 2N/3, if any. */
  readonly majority: { readonly blockId: string | null } | undefined
  /** Conflicting votes counted for their own block, by `${address}|${blockKey}`. */
  readonly conflicting: ReadonlyMap<string, SignedVote>
}

export interface CountedVotes {
  readonly vote: SignedVote
  readonly earlier: CountedVotes | null
}

/** Bits per word of `voted`: 30 keep every word a small integer, never a heap number. */
const VOTED_BITS = 30

export interface BlockPower {
  readonly blockKey: string
  readonly power: bigint
}

/** Block ids are non-empty, so the empty string can stand for nil. */
export const NIL_KEY = ''
export const blockKey = (blockId: string | null): string => blockId ?? NIL_KEY

/** 2f + 1 as CometBFT computes it: `N*2/3 + 1` in integers, i.e. the least power above 2N/3. */
export const quorum = (totalPower: bigint): bigint => (totalPower * 2n) / 3n + 1n

/** f + 1: more than N/3. */
export const isOneThird = (power: bigint, totalPower: bigint): boolean => power > totalPower / 3n

export const emptyVoteSet = (height: number, round: number, type: VoteType, totalPower: bigint): VoteSet => ({
  height,
  round,
  type,
  totalPower,
  quorum: quorum(totalPower),
  votes: null,
  voted: [],
  powerByBlock: [],
  sum: 0n,
  majority: undefined,
  conflicting: new Map(),
})

export type AddVoteResult =
  | { readonly outcome: 'added'; readonly set: VoteSet }
  | { readonly outcome: 'duplicate'; readonly set: VoteSet }
  | { readonly outcome: 'conflict'; readonly set: VoteSet; readonly existing: SignedVote }

/**
 * Counts `vote` (already signature-checked, from a validator of the set with `power`,
 * its `validatorIndex` checked to be that validator's). The vote must belong to this
 * set's height, round and type.
 */
export const addVote = (set: VoteSet, vote: SignedVote, power: bigint): AddVoteResult => {
  if (vote.height !== set.height || vote.round !== set.round || vote.type !== set.type) {
    throw new Error(`vote for ${vote.height}/${vote.round}/${vote.type} added to the set of ${set.height}/${set.round}/${set.type}`)
  }
  const existing = countedVoteOf(set, vote.validatorIndex)
  const key = blockKey(vote.blockId)
  const blockPower = powerOf(set, key) + power
  const majority = set.majority ?? (blockPower >= set.quorum ? { blockId: vote.blockId } : undefined)
  if (existing !== undefined) {
    if (existing.blockId === vote.blockId) return { outcome: 'duplicate', set }
    const conflictKey = `${vote.validatorAddress}|${key}`
    if (set.conflicting.has(conflictKey)) return { outcome: 'conflict', set, existing }
    return {
      outcome: 'conflict',
      existing,
      set: withChanges(set, {
        powerByBlock: withPower(set.powerByBlock, key, blockPower),
        majority,
        conflicting: new Map(set.conflicting).set(conflictKey, vote),
      }),
    }
  }
  return {
    outcome: 'added',
    set: withChanges(set, {
      votes: { vote, earlier: set.votes },
      voted: withVoted(set.voted, vote.validatorIndex),
      powerByBlock: withPower(set.powerByBlock, key, blockPower),
      sum: set.sum + power,
      majority,
    }),
  }
}

/** `set` with `changes`, field by field: an object spread is slow on Node 20 (see consensusContext.ts `withChanges`). */
const withChanges = (
  set: VoteSet,
  changes: Pick<VoteSet, 'powerByBlock' | 'majority'> & Partial<Pick<VoteSet, 'votes' | 'voted' | 'sum' | 'conflicting'>>,
): VoteSet => ({
  height: set.height,
  round: set.round,
  type: set.type,
  totalPower: set.totalPower,
  quorum: set.quorum,
  votes: changes.votes ?? set.votes,
  voted: changes.voted ?? set.voted,
  powerByBlock: changes.powerByBlock,
  sum: changes.sum ?? set.sum,
  majority: changes.majority,
  conflicting: changes.conflicting ?? set.conflicting,
})

/** The counted vote of the validator at `index`, if any: a walk of the list only for one that has voted. */
const countedVoteOf = (set: VoteSet, index: number): SignedVote | undefined => {
  if ((((set.voted[Math.floor(index / VOTED_BITS)] ?? 0) >>> index % VOTED_BITS) & 1) === 0) return undefined
  for (let node = set.votes; node !== null; node = node.earlier) if (node.vote.validatorIndex === index) return node.vote
  return undefined
}

const withVoted = (voted: readonly number[], index: number): number[] => {
  const word = Math.floor(index / VOTED_BITS)
  const next = voted.slice()
  for (let i = voted.length; i <= word; i++) next[i] = 0
  next[word] = next[word]! | (1 << index % VOTED_BITS)
  return next
}

/** The power behind `blockId` (null for nil). */
export const powerFor = (set: VoteSet, blockId: string | null): bigint => powerOf(set, blockKey(blockId))

const powerOf = (set: VoteSet, key: string): bigint => set.powerByBlock.find((p) => p.blockKey === key)?.power ?? 0n

const withPower = (list: readonly BlockPower[], blockKey: string, power: bigint): BlockPower[] => {
  const at = list.findIndex((p) => p.blockKey === blockKey)
  const next = list.slice()
  next[at < 0 ? list.length : at] = { blockKey, power }
  return next
}

/** +2/3 for one block id or for nil (CometBFT `TwoThirdsMajority`). */
export const twoThirdsMajority = (set: VoteSet): { readonly blockId: string | null } | undefined => set.majority

/** +2/3 of the power voted, for anything (`HasTwoThirdsAny`). */
export const hasTwoThirdsAny = (set: VoteSet): boolean => set.sum >= set.quorum

/** f + 1 of the power voted, for anything (`HasOneThirdAny`; the paper's round-skip threshold, L55). */
export const hasOneThirdAny = (set: VoteSet): boolean => isOneThird(set.sum, set.totalPower)

/** The counted votes, optionally only those for one block id, in validator-index order (the order of a commit). */
export const votesInIndexOrder = (set: VoteSet, only?: { readonly blockId: string | null }): SignedVote[] => {
  const votes: SignedVote[] = []
  for (let node = set.votes; node !== null; node = node.earlier) if (only === undefined || node.vote.blockId === only.blockId) votes.push(node.vote)
  if (only !== undefined) for (const v of set.conflicting.values()) if (v.blockId === only.blockId) votes.push(v)
  return votes.sort((a, b) => a.validatorIndex - b.validatorIndex)
}
