/**
 * BFT time (CometBFT v0.38, spec/consensus/bft-time.md): a block's time is the
 * voting-power-weighted median of the precommit timestamps in its LastCommit, so faulty
 * validators holding less than a third of the power cannot move it outside the times of
 * correct ones. Times are µs.
 */

/** CometBFT's `timeIota`: a vote is at least this much later than the block it votes for. */
export const MIN_TIME_STEP = 1_000

export interface WeightedTime {
  readonly time: number
  readonly weight: bigint
}

/**
 * Go's `weightedMedian`: walk the times in order and take the first at which the
 * weights seen reach half of `totalPower` (half rounded down). Undefined if no time does.
 */
export const weightedMedian = (times: readonly WeightedTime[], totalPower: bigint): number | undefined => {
  let median = totalPower / 2n
  for (const t of [...times].sort((a, b) => a.time - b.time)) {
    if (median <= t.weight) return t.time
    median -= t.weight
  }
  return undefined
}

/** Go's `MedianTime`: over the commit's votes, weighted by their validators' power. */
export const medianTime = (commitVotes: readonly { readonly timestamp: number; readonly power: bigint }[]): number | undefined =>
  weightedMedian(
    commitVotes.map((v) => ({ time: v.timestamp, weight: v.power })),
    commitVotes.reduce((sum, v) => sum + v.power, 0n),
  )

/**
 * Go's `voteTime`: the node's clock, but never earlier than 1 ms after the time of the
 * block the node is locked on or is voting about, so that the next block's median time
 * is strictly later than this one's.
 */
export const voteTimestamp = (now: number, blockTime: number | undefined): number =>
  blockTime === undefined ? now : Math.max(now, blockTime + MIN_TIME_STEP)
