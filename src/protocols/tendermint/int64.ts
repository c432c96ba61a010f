/**
 * CometBFT keeps voting powers and proposer priorities in Go `int64`. These helpers
 * reproduce that arithmetic on bigints so that priorities match CometBFT bit for bit.
 */
export const MAX_INT64 = (1n << 63n) - 1n
export const MIN_INT64 = -(1n << 63n)

/** Go's `safeAddClip` (types/validator_set.go): a + b, saturated at the int64 bounds instead of wrapping. */
export const addClip = (a: bigint, b: bigint): bigint => clip(a + b)

/** Go's `safeSubClip`: a − b, saturated at the int64 bounds. */
export const subClip = (a: bigint, b: bigint): bigint => clip(a - b)

const clip = (x: bigint): bigint => (x > MAX_INT64 ? MAX_INT64 : x < MIN_INT64 ? MIN_INT64 : x)

/** Plain int64 arithmetic wraps around on overflow; Go code that does not guard an operation gets this. */
export const wrap = (x: bigint): bigint => BigInt.asIntN(64, x)

/**
 * Go `big.Int.Div` by a positive divisor: Euclidean division, i.e. rounding toward −∞
 * (bigint `/`, like Go's int64 `/`, truncates toward zero instead). Only defined for n > 0,
 * the only way CometBFT uses it (averaging over the number of validators).
 */
export const floorDiv = (a: bigint, n: bigint): bigint => {
  const q = a / n
  return a % n < 0n ? q - 1n : q
}
