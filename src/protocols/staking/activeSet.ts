import type { ValidatorUpdate } from '../chain/application.ts'
import { compareText, sortedEntries, sortedKeys } from './sortedMaps.ts'
import type { StakingState } from './state.ts'
import { stakeUnits, votingPower } from './units.ts'

/** Every validator's current voting power, jailed or not (0 when below one powerReduction). */
export const powersOf = (state: StakingState): Map<string, bigint> => {
  const powers = new Map<string, bigint>()
  for (const [pubKey, record] of sortedEntries(state.validators)) {
    powers.set(pubKey, votingPower(stakeUnits(record, state.prices, state.params.haircuts), state.params.powerReduction))
  }
  return powers
}

/**
 * The set consensus should run: the `maxValidators` strongest validators that are
 * neither jailed nor tombstoned and have power > 0. Equal powers go in public-key order,
 * so the cut at the last seat is the same on every node.
 */
export const selectActiveSet = (state: StakingState): Map<string, bigint> => {
  const powers = powersOf(state)
  const candidates = sortedEntries(state.validators)
    .filter(([pubKey, record]) => record.jailedUntil === null && !record.tombstoned && (powers.get(pubKey) ?? 0n) > 0n)
    .map(([pubKey]) => ({ pubKey, power: powers.get(pubKey) ?? 0n }))
  candidates.sort((a, b) => (a.power === b.power ? compareText(a.pubKey, b.pubKey) : a.power > b.power ? -1 : 1))
  return new Map(candidates.slice(0, state.params.maxValidators).map(({ pubKey, power }) => [pubKey, power]))
}

/** What turns `previous` into `next` for consensus: changed or new powers, and 0 for those that left; by public key. */
export const validatorUpdatesBetween = (previous: ReadonlyMap<string, bigint>, next: ReadonlyMap<string, bigint>): ValidatorUpdate[] => {
  const pubKeys = sortedKeys(new Map([...previous, ...next]))
  const updates: ValidatorUpdate[] = []
  for (const pubKey of pubKeys) {
    const power = next.get(pubKey) ?? 0n
    if (power !== (previous.get(pubKey) ?? 0n)) updates.push({ pubKey, power })
  }
  return updates
}
