/**
 * State lives in maps (no prototype keys to trip over) that are only ever walked in
 * sorted key order, so that no result depends on the order of insertion.
 */
export const sortedKeys = <V>(map: ReadonlyMap<string, V>): string[] => [...map.keys()].sort(compareText)

export const sortedEntries = <V>(map: ReadonlyMap<string, V>): [string, V][] => sortedKeys(map).map((key) => [key, map.get(key) as V])

/** Code-unit order: locale-independent, the same on every node. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A copy of `map` with `key` set, or removed when the amount is zero (zero entries are never stored). */
export const withAmount = (map: ReadonlyMap<string, bigint>, key: string, amount: bigint): ReadonlyMap<string, bigint> => {
  const next = new Map(map)
  if (amount === 0n) next.delete(key)
  else next.set(key, amount)
  return next
}

export const withEntry = <V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> => new Map(map).set(key, value)

export const sumAmounts = (map: ReadonlyMap<string, bigint>): bigint => {
  let total = 0n
  for (const [, amount] of sortedEntries(map)) total += amount
  return total
}
