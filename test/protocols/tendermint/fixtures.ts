import type { Validator, ValidatorSet, ValidatorUpdate } from '../../../src/protocols/tendermint/validatorSet.ts'

/** CometBFT's tests name validators by raw bytes ("foo", []byte{0,…,1}); ours are lowercase hex of those bytes. */
export const hex = (name: string): string => Buffer.from(name, 'utf8').toString('hex')
export const hexBytes = (bytes: readonly number[]): string => Buffer.from(bytes).toString('hex')
export const nameOf = (address: string): string => Buffer.from(address, 'hex').toString('utf8')

/** Go's `testVal{name, power}` lists. */
export const updates = (list: ReadonlyArray<readonly [string, number | bigint]>): ValidatorUpdate[] =>
  list.map(([name, power]) => ({ address: hex(name), power: BigInt(power) }))

/** `toTestValList`: the set as (name, power) pairs in its index order. */
export const namesAndPowers = (set: ValidatorSet): Array<[string, bigint]> =>
  set.validators.map((v) => [nameOf(v.address), v.power])

export const priorityOf = (set: ValidatorSet, address: string): bigint =>
  set.validators.find((v) => v.address === address)!.priority

/**
 * Go's `verifyValidatorSet`: the total is the sum, priorities are centred (|Σ| < n) and
 * scaled (spread ≤ 2 × total).
 */
export const checkCentredAndScaled = (set: ValidatorSet): string[] => {
  const problems: string[] = []
  const sum = set.validators.reduce((s, v) => s + v.power, 0n)
  if (sum !== set.totalPower) problems.push(`total ${set.totalPower} != sum ${sum}`)
  const n = BigInt(set.validators.length)
  const prioritySum = set.validators.reduce((s, v) => s + v.priority, 0n)
  if (!(prioritySum < n && prioritySum > -n)) problems.push(`priority sum ${prioritySum} not in (-${n}, ${n})`)
  const ps = set.validators.map((v) => v.priority)
  const spread = ps.reduce((a, b) => (a > b ? a : b)) - ps.reduce((a, b) => (a < b ? a : b))
  if (spread > 2n * set.totalPower) problems.push(`spread ${spread} > ${2n * set.totalPower}`)
  return problems
}

export const validator = (address: string, power: bigint, priority = 0n): Validator => ({ address, power, priority })
