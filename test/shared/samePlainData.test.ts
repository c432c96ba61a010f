import { isDeepStrictEqual } from 'node:util'
import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { samePlainData } from '../../src/shared/samePlainData.ts'
import { PROPERTY_SEED } from '../support/propertySample.ts'

/**
 * samePlainData promises deep equality of plain data (plain objects, arrays, primitives
 * compared with `===`), and that any other object equals only itself. The reference here
 * is node's isDeepStrictEqual on data where the two agree by definition: no NaN, no -0
 * (=== and Object.is differ on those), and byte arrays taken from a pool of distinct
 * contents, so that equal contents means the same object.
 */

const BYTES = [new Uint8Array(0), Uint8Array.of(1), Uint8Array.of(1, 2), Uint8Array.of(2)]

type Plain = unknown

const definedLeaf: fc.Arbitrary<Plain> = fc.oneof(
  fc.integer({ min: -2, max: 2 }).map((n) => (n === 0 ? 0 : n)),
  fc.constantFrom('', 'a', 'b'),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -1n, max: 1n }),
  fc.constantFrom(...BYTES),
)

const KEYS = ['a', 'b', 'c', 'constructor', 'toString'] as const

/**
 * Nested plain data. Undefined appears as an array element always, and as the value of
 * an object's field only when `undefinedFields` (see the known bug below).
 */
const plainData = (undefinedFields: boolean): fc.Arbitrary<Plain> =>
  fc.letrec<{ value: Plain; defined: Plain }>((tie) => ({
    defined: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      definedLeaf,
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...KEYS), undefinedFields ? tie('value') : tie('defined'), { maxKeys: 3 }),
    ),
    value: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 6, arbitrary: tie('defined') }),
  })).value

const plain = plainData(false)
/** Plain data that is not undefined itself: what can be a field's value. */
const plainField = plain.filter((v) => v !== undefined)

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype

/** A structural copy: new arrays and objects all the way down; any other object kept as is. */
const copy = (v: Plain): Plain => {
  if (Array.isArray(v)) return v.map(copy)
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]))
  return v
}

/** Paths to every array or object inside `v`, `v` included. */
const containers = (v: Plain, path: readonly (string | number)[] = []): (readonly (string | number)[])[] => {
  if (Array.isArray(v)) return [path, ...v.flatMap((x, i) => containers(x, [...path, i]))]
  if (isPlainObject(v)) return [path, ...Object.entries(v).flatMap(([k, x]) => containers(x, [...path, k]))]
  return []
}

const at = (v: Plain, path: readonly (string | number)[]): Plain =>
  path.reduce<Plain>((node, step) => (node as Record<string | number, unknown>)[step], v)

type Mutation =
  | { readonly kind: 'replace'; readonly pick: number; readonly with: Plain }
  | { readonly kind: 'add'; readonly key: string; readonly with: Plain }
  | { readonly kind: 'remove'; readonly pick: number }
  | { readonly kind: 'rename'; readonly pick: number; readonly key: string }
  | { readonly kind: 'copyBytes'; readonly pick: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), with: plain }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), with: plainField }),
  fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom(...KEYS), with: plain }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant('copyBytes' as const), pick: fc.nat() }),
)

/**
 * Applies one change inside a copy of the container at `path` (so the original is never
 * touched), or says it does not apply. Every applied change makes the data different.
 */
const mutate = (root: Plain, path: readonly (string | number)[], m: Mutation, undefinedFields: boolean): Plain | typeof NOT_APPLICABLE => {
  const container = at(root, path)
  let changed: Plain | typeof NOT_APPLICABLE = NOT_APPLICABLE
  const entries: [string, Plain][] = Array.isArray(container)
    ? container.map((x, i) => [String(i), x])
    : Object.entries(container as Record<string, unknown>)
  const picked = entries.length === 0 ? undefined : entries[m.kind === 'add' ? 0 : m.pick % entries.length]
  switch (m.kind) {
    case 'replace':
      if (picked === undefined || isDeepStrictEqual(picked[1], m.with)) break
      // A field set to undefined: see the known-bug tests below.
      if (!Array.isArray(container) && m.with === undefined && !undefinedFields) break
      changed = Array.isArray(container)
        ? container.map((x, i) => (String(i) === picked[0] ? m.with : x))
        : { ...(container as object), [picked[0]]: m.with }
      break
    case 'add':
      if (Array.isArray(container)) changed = [...container, m.with]
      else if (!Object.hasOwn(container as object, m.key)) changed = { ...(container as object), [m.key]: m.with }
      break
    case 'remove':
      if (picked === undefined) break
      changed = Array.isArray(container)
        ? container.slice(0, -1)
        : Object.fromEntries(entries.filter(([k]) => k !== picked[0]))
      break
    case 'rename':
      if (picked === undefined || Array.isArray(container) || Object.hasOwn(container as object, m.key)) break
      changed = Object.fromEntries(entries.map(([k, x]) => [k === picked[0] ? m.key : k, x]))
      break
    case 'copyBytes':
      if (picked === undefined || !(picked[1] instanceof Uint8Array)) break
      changed = Array.isArray(container)
        ? container.map((x, i) => (String(i) === picked[0] ? (x as Uint8Array).slice() : x))
        : { ...(container as object), [picked[0]]: (picked[1] as Uint8Array).slice() }
      break
  }
  if (changed === NOT_APPLICABLE) return NOT_APPLICABLE
  if (path.length === 0) return changed
  const parentPath = path.slice(0, -1)
  const step = path[path.length - 1]!
  const replaceChild = (node: Plain, depth: number): Plain => {
    if (depth === parentPath.length) {
      return Array.isArray(node) ? node.map((x, i) => (i === step ? changed : x)) : { ...(node as object), [step]: changed }
    }
    const next = parentPath[depth]!
    return Array.isArray(node)
      ? node.map((x, i) => (i === next ? replaceChild(x, depth + 1) : x))
      : { ...(node as object), [next]: replaceChild((node as Record<string | number, unknown>)[next], depth + 1) }
  }
  return replaceChild(root, 0)
}
const NOT_APPLICABLE = Symbol('not applicable')

/** One mutation in the container numbered `where`; every applied mutation makes data the reference calls different. */
const mutateSomewhere = (v: Plain, where: number, m: Mutation, undefinedFields: boolean): Plain | typeof NOT_APPLICABLE => {
  const paths = containers(v)
  if (paths.length === 0) return NOT_APPLICABLE
  const mutated = mutate(v, paths[where % paths.length]!, m, undefinedFields)
  if (mutated !== NOT_APPLICABLE) expect(isDeepStrictEqual(v, mutated) && m.kind !== 'copyBytes').toBe(false)
  return mutated
}

describe('samePlainData', () => {
  propertyTest.prop([plain], { seed: PROPERTY_SEED, numRuns: 500 })('a value equals itself and any structural copy of it', (v) => {
    expect(samePlainData(v, v)).toBe(true)
    expect(samePlainData(v, copy(v))).toBe(true)
    expect(samePlainData(copy(v), v)).toBe(true)
  })

  propertyTest.prop([plain, fc.nat(), mutation], { seed: PROPERTY_SEED, numRuns: 1000 })(
    'a copy changed in any one place (a value, an added or removed field or element, a renamed field, a copied byte array) is different',
    (v, where, m) => {
      const mutated = mutateSomewhere(v, where, m, false)
      fc.pre(mutated !== NOT_APPLICABLE)
      expect(samePlainData(v, mutated)).toBe(false)
      expect(samePlainData(mutated, v)).toBe(false)
    },
  )

  propertyTest.prop([plain, plain], { seed: PROPERTY_SEED, numRuns: 1000 })(
    'agrees with a reference deep equality on any two values without undefined-valued fields',
    (a, b) => {
      expect(samePlainData(a, b)).toBe(isDeepStrictEqual(a, b))
    },
  )

  test('an undefined field is not a missing field', () => {
    expect(samePlainData({ a: undefined }, {})).toBe(false)
    expect(samePlainData({}, { a: undefined })).toBe(false)
    expect(samePlainData({ a: 1, b: undefined }, { a: 1 })).toBe(false)
    expect(samePlainData({ a: undefined }, { a: undefined })).toBe(true)
    expect(samePlainData({ a: undefined }, { a: null })).toBe(false)
    expect(samePlainData([undefined], [])).toBe(false)
    expect(samePlainData([undefined], [null])).toBe(false)
    // eslint-disable-next-line no-sparse-arrays
    expect(samePlainData([, 1], [undefined, 1])).toBe(false)
    // eslint-disable-next-line no-sparse-arrays
    expect(samePlainData([undefined, 1], [, 1])).toBe(false)
  })

  // Once a bug: fields were looked up with `y[key]` and only counted, so {a: undefined} "equalled" {b: 1}.
  test('an undefined field does not match a missing one even when the field counts agree', () => {
    expect(samePlainData({ a: undefined }, { b: undefined })).toBe(false)
  })

  test('{a: undefined} is different from {b: 1}, in both directions', () => {
    expect(samePlainData({ b: 1 }, { a: undefined })).toBe(false)
    expect(samePlainData({ a: undefined }, { b: 1 })).toBe(false)
  })

  test('a copy changed in any one place is different, undefined-valued fields included', () => {
    fc.assert(
      fc.property(plainData(true), fc.nat(), mutation, (v, where, m) => {
        const mutated = mutateSomewhere(v, where, m, true)
        fc.pre(mutated !== NOT_APPLICABLE)
        return !samePlainData(v, mutated) && !samePlainData(mutated, v)
      }),
      { seed: PROPERTY_SEED, numRuns: 1000 },
    )
  })

  test('byte arrays, maps, class instances and null-prototype objects equal only themselves', () => {
    const bytes = Uint8Array.of(1, 2, 3)
    expect(samePlainData(bytes, bytes)).toBe(true)
    expect(samePlainData(bytes, Uint8Array.of(1, 2, 3))).toBe(false)
    expect(samePlainData({ k: bytes }, { k: bytes })).toBe(true)
    expect(samePlainData({ k: bytes }, { k: bytes.slice() })).toBe(false)
    const map = new Map([[1, 2]])
    expect(samePlainData(map, map)).toBe(true)
    expect(samePlainData(map, new Map([[1, 2]]))).toBe(false)
    expect(samePlainData(new Map(), new Map())).toBe(false)
    class Point {
      constructor(readonly x: number) {}
    }
    expect(samePlainData(new Point(1), new Point(1))).toBe(false)
    expect(samePlainData(new Point(1), { x: 1 })).toBe(false)
    expect(samePlainData({ x: 1 }, new Point(1))).toBe(false)
    const bare = Object.assign(Object.create(null) as object, { x: 1 })
    expect(samePlainData(bare, bare)).toBe(true)
    expect(samePlainData(bare, { x: 1 })).toBe(false)
    expect(samePlainData({ x: 1 }, bare)).toBe(false)
    expect(samePlainData(new Date(0), new Date(0))).toBe(false)
  })

  test('arrays and objects with the same entries are different', () => {
    expect(samePlainData([], {})).toBe(false)
    expect(samePlainData({}, [])).toBe(false)
    expect(samePlainData([1], { 0: 1 })).toBe(false)
    expect(samePlainData({ 0: 1 }, [1])).toBe(false)
  })

  test('compares primitives with ===', () => {
    expect(samePlainData(1, 1)).toBe(true)
    expect(samePlainData(1, '1')).toBe(false)
    expect(samePlainData(0, -0)).toBe(true)
    expect(samePlainData(Number.NaN, Number.NaN)).toBe(false)
    expect(samePlainData(1n, 1n)).toBe(true)
    expect(samePlainData(1n, 1)).toBe(false)
    expect(samePlainData(null, undefined)).toBe(false)
    expect(samePlainData(null, {})).toBe(false)
    expect(samePlainData({}, null)).toBe(false)
    expect(samePlainData(undefined, {})).toBe(false)
    expect(samePlainData('', [])).toBe(false)
  })

  test('does not mistake inherited members for fields', () => {
    expect(samePlainData({ toString: undefined }, {})).toBe(false)
    expect(samePlainData({}, { constructor: undefined })).toBe(false)
    expect(samePlainData({ a: 1 }, { toString: 1 })).toBe(false)
  })

  test('compares nested data at any depth', () => {
    const deep = (leafValue: unknown): unknown => ({ a: [{ b: [[{ c: leafValue }]] }], d: 1n })
    expect(samePlainData(deep('x'), deep('x'))).toBe(true)
    expect(samePlainData(deep('x'), deep('y'))).toBe(false)
    expect(samePlainData(deep([1, 2]), deep([1, 2, 3]))).toBe(false)
    expect(samePlainData(deep({ k: 1 }), deep({ k: 1, l: 2 }))).toBe(false)
  })
})
