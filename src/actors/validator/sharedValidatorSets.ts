import { newValidatorSet, nextHeightValidatorSet, type ValidatorSet, type ValidatorUpdate } from '../../protocols/tendermint/index.ts'

/** Genesis sets of recent runs; a process rarely starts more than a few chains. */
const GENESIS_CAPACITY = 8

/**
 * Validator sets, shared by the validators of one process. Every validator derives the
 * set of each height from the same genesis and the same updates, and a set is immutable:
 * sharing the objects makes what is memoized per set (its hash, its proposer schedule,
 * its powers) computed once per process rather than once per validator — work that grows
 * with the set, done by every member of it.
 */
const genesisSets = new Map<string, ValidatorSet>()
const successors = new WeakMap<ValidatorSet, { readonly updates: readonly ValidatorUpdate[]; readonly next: ValidatorSet }>()

/** `newValidatorSet`, the same object for the same validators and powers. */
export const genesisValidatorSet = (validators: readonly ValidatorUpdate[]): ValidatorSet => {
  // JSON, not a joined string: no two lists may read alike whatever their addresses hold.
  const key = JSON.stringify(validators.map((v) => [v.address, String(v.power)]))
  let set = genesisSets.get(key)
  if (set === undefined) {
    set = newValidatorSet(validators)
    if (genesisSets.size >= GENESIS_CAPACITY) genesisSets.delete(genesisSets.keys().next().value!)
    genesisSets.set(key, set)
  }
  return set
}

/** `nextHeightValidatorSet`, the same object for the same set and the same updates. */
export const nextValidatorSet = (set: ValidatorSet, updates: readonly ValidatorUpdate[]): ValidatorSet => {
  const known = successors.get(set)
  if (known !== undefined && sameUpdates(known.updates, updates)) return known.next
  const next = nextHeightValidatorSet(set, updates)
  successors.set(set, { updates, next })
  return next
}

const sameUpdates = (a: readonly ValidatorUpdate[], b: readonly ValidatorUpdate[]): boolean =>
  a.length === b.length && a.every((u, i) => u.address === b[i]!.address && u.power === b[i]!.power)
