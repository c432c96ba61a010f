/**
 * Deep equality of plain data — plain objects, arrays, and primitives compared with `===`
 * — whatever fields the values have. Any other object (a Map, a byte array, a class
 * instance) equals only itself. For..in walks allocate nothing, which matters on the
 * paths that compare a vote or a block's info against a remembered one.
 */
export const samePlainData = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const prototype = Object.getPrototypeOf(a)
  if (prototype !== Object.getPrototypeOf(b) || (prototype !== Object.prototype && prototype !== Array.prototype)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let fields = 0
  for (const key in x) {
    // hasOwn: a field set to undefined is not a field that is missing.
    if (!Object.hasOwn(y, key) || !samePlainData(x[key], y[key])) return false
    fields++
  }
  for (const _ in y) fields--
  return fields === 0
}
