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
  /** The counted vote of each validator, by address. */
  readonly votes: ReadonlyMap<string, SignedVote>
  /** Power behind each block id; nil is under NIL_KEY. */
  readonly powerByBlock: ReadonlyMap<string, bigint>
  /** Power of all counted votes, whatever they are for. */
  readonly sum: bigint
  /** The first block id (null for nil) whose power passed 2N/3, if any. */
  readonly majority: { readonly blockId: string | null } | undefined
  /** Conflicting votes counted for their own block, by `${address}|${blockKey}`. */
  readonly conflicting: ReadonlyMap<string, SignedVote>
}

/** Block ids are non-empty, so the empty string can stand for nil. */
export const NIL_KEY = ''
export const blockKey = (blockId: string | null): string => blockId ?? NIL_KEY

/** 2f + 1 as CometBFT computes it: `N*2/3 + 1` in integers, i.e. the least power above 2N/3. */
export const quorum = (totalPower: bigint): bigint => (totalPower * 2n) / 3n + 1n

/** f + 1: more than N/3. */
export const isOneThird = (power: bigint, totalPower: bigint): boolean => power > totalPower / 3n

export const isTwoThirds = (power: bigint, totalPower: bigint): boolean => power >= quorum(totalPower)

export const emptyVoteSet = (height: number, round: number, type: VoteType, totalPower: bigint): VoteSet => ({
  height,
  round,
  type,
  totalPower,
  votes: new Map(),
  powerByBlock: new Map(),
  sum: 0n,
  majority: undefined,
  conflicting: new Map(),
})

export type AddVoteResult =
  | { readonly outcome: 'added'; readonly set: VoteSet }
  | { readonly outcome: 'duplicate'; readonly set: VoteSet }
  | { readonly outcome: 'conflict'; readonly set: VoteSet; readonly existing: SignedVote }

/**
 * Counts `vote` (already signature-checked, from a validator of the set with `power`).
 * The vote must belong to this set's height, round and type.
 */
export const addVote = (set: VoteSet, vote: SignedVote, power: bigint): AddVoteResult => {
  if (vote.height !== set.height || vote.round !== set.round || vote.type !== set.type) {
    throw new Error(`vote for ${vote.height}/${vote.round}/${vote.type} added to the set of ${set.height}/${set.round}/${set.type}`)
  }
  const existing = set.votes.get(vote.validatorAddress)
  const key = blockKey(vote.blockId)
  const blockPower = (set.powerByBlock.get(key) ?? 0n) + power
  const majority = set.majority ?? (isTwoThirds(blockPower, set.totalPower) ? { blockId: vote.blockId } : undefined)
  if (existing !== undefined) {
    if (existing.blockId === vote.blockId) return { outcome: 'duplicate', set }
    const conflictKey = `${vote.validatorAddress}|${key}`
    if (set.conflicting.has(conflictKey)) return { outcome: 'conflict', set, existing }
    return {
      outcome: 'conflict',
      existing,
      set: {
        ...set,
        powerByBlock: new Map(set.powerByBlock).set(key, blockPower),
        majority,
        conflicting: new Map(set.conflicting).set(conflictKey, vote),
      },
    }
  }
  return {
    outcome: 'added',
    set: {
      ...set,
      votes: new Map(set.votes).set(vote.validatorAddress, vote),
      powerByBlock: new Map(set.powerByBlock).set(key, blockPower),
      sum: set.sum + power,
      majority,
    },
  }
}

/** +2/3 for one block id or for nil (CometBFT `TwoThirdsMajority`). */
export const twoThirdsMajority = (set: VoteSet): { readonly blockId: string | null } | undefined => set.majority

/** +2/3 of the power voted, for anything (`HasTwoThirdsAny`). */
export const hasTwoThirdsAny = (set: VoteSet): boolean => isTwoThirds(set.sum, set.totalPower)

/** f + 1 of the power voted, for anything (`HasOneThirdAny`; the paper's round-skip threshold, L55). */
export const hasOneThirdAny = (set: VoteSet): boolean => isOneThird(set.sum, set.totalPower)

/** The counted votes, optionally only those for one block id, in validator-index order (the order of a commit). */
export const votesInIndexOrder = (set: VoteSet, only?: { readonly blockId: string | null }): SignedVote[] =>
  [...set.votes.values(), ...(only === undefined ? [] : set.conflicting.values())]
    .filter((v) => only === undefined || v.blockId === only.blockId)
    .sort((a, b) => a.validatorIndex - b.validatorIndex)
