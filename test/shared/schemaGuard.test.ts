import { fc, test } from '@fast-check/vitest'
import { Arbitrary, Schema } from 'effect'
import { describe, expect, it } from 'vitest'
import { chainKinds } from '../../src/protocols/chain/messages.ts'
import { echoKinds } from '../../src/protocols/echo/messages.ts'
import { membershipKinds } from '../../src/protocols/membership/index.ts'
import { tendermintKinds } from '../../src/protocols/tendermint/messages.ts'
import { compileGuard } from '../../src/shared/schemaGuard.ts'

/**
 * The compiled guard must accept exactly what `Schema.is` accepts. Checked on the message
 * kinds strata speaks and on schemas that reach every kind of node the compiler handles
 * (and the ones it hands back to Effect), with values the schema accepts, values it
 * refuses, and valid values with one part replaced.
 */
const Tag = Symbol.for('test/tag')
enum Colour {
  Red = 'red',
  Blue = 2,
}
interface Tree {
  readonly value: number
  readonly children: readonly Tree[]
}
const TreeSchema: Schema.Schema<Tree> = Schema.Struct({ value: Schema.Number, children: Schema.Array(Schema.suspend(() => TreeSchema)) })

const shapes: Record<string, Schema.Schema<any, any, never>> = {
  keywords: Schema.Tuple(Schema.String, Schema.Number, Schema.Boolean, Schema.BigIntFromSelf, Schema.SymbolFromSelf, Schema.Undefined, Schema.Object, Schema.Unknown),
  literals: Schema.Struct({ a: Schema.Literal('x', 1, true, null), b: Schema.UniqueSymbolFromSelf(Tag), c: Schema.Enums(Colour) }),
  refinements: Schema.Struct({ n: Schema.NonNegativeInt, s: Schema.String.pipe(Schema.minLength(2), Schema.pattern(/^a/)), items: Schema.Array(Schema.Int).pipe(Schema.maxItems(2)) }),
  optional: Schema.Struct({ required: Schema.Number, plain: Schema.optional(Schema.String), exact: Schema.optionalWith(Schema.String, { exact: true }) }),
  empty: Schema.Struct({}),
  records: Schema.Struct({ fixed: Schema.Number }, Schema.Record({ key: Schema.String.pipe(Schema.startsWith('n')), value: Schema.Number })),
  symbolRecord: Schema.Record({ key: Schema.SymbolFromSelf, value: Schema.String }),
  optionalElements: Schema.Tuple(Schema.String, Schema.optionalElement(Schema.Number)),
  restAndTrailing: Schema.Tuple([Schema.String], Schema.Boolean, Schema.String),
  optionalAndRest: Schema.Tuple([Schema.String, Schema.optionalElement(Schema.Number)], Schema.Boolean),
  tagged: Schema.Union(
    Schema.Struct({ type: Schema.Literal('a'), a: Schema.Number }),
    Schema.Struct({ type: Schema.Literal('b'), b: Schema.String }),
    Schema.Struct({ other: Schema.Boolean }),
  ),
  transformed: Schema.Struct({ n: Schema.NumberFromString, d: Schema.Date }),
  declarations: Schema.Struct({ bytes: Schema.Uint8ArrayFromSelf, tagged: Schema.Union(Schema.Uint8ArrayFromSelf, Schema.Struct({ t: Schema.Literal('t') })) }),
  recursive: TreeSchema,
  template: Schema.TemplateLiteral('id-', Schema.Number),
  parseOptions: Schema.Struct({ a: Schema.Number }).annotations({ parseOptions: { onExcessProperty: 'error' } }),
}

const kinds: Record<string, Schema.Schema<any, any, never>> = { ...membershipKinds, ...echoKinds, ...tendermintKinds, ...chainKinds }

/** Values a guard may be asked about: anything at all, and valid values with one part swapped for anything. */
const candidates = (schema: Schema.Schema<any, any, never>): fc.Arbitrary<unknown> => {
  const valid = Arbitrary.make(Schema.typeSchema(schema)) as fc.Arbitrary<unknown>
  const anything = fc.anything({ withBigInt: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, maxDepth: 3 })
  return fc.oneof(valid, anything, fc.tuple(valid, fc.nat(), anything).map(([value, pick, replacement]) => replacePart(value, pick, replacement)))
}

/** A copy of `value` with one of its parts (chosen by `pick`, depth first) replaced. */
const replacePart = (value: unknown, pick: number, replacement: unknown): unknown => {
  const parts: { holder: Record<PropertyKey, unknown>; key: PropertyKey }[] = []
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out = v.map(copy)
      out.forEach((_, key) => parts.push({ holder: out as unknown as Record<PropertyKey, unknown>, key }))
      return out
    }
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<PropertyKey, unknown> = {}
      for (const key of Reflect.ownKeys(v)) {
        out[key] = copy((v as Record<PropertyKey, unknown>)[key])
        parts.push({ holder: out, key })
      }
      return out
    }
    return v
  }
  const root = copy(value)
  if (parts.length === 0) return replacement
  const { holder, key } = parts[pick % parts.length]!
  holder[key] = replacement
  return root
}

/** Effect's verdict, or undefined when it throws (a hostile value such as an object whose toString throws). */
const effectVerdict = (is: (u: unknown) => boolean, value: unknown): boolean | undefined => {
  try {
    return is(value)
  } catch {
    return undefined
  }
}

describe('compileGuard', () => {
  for (const [name, schema] of Object.entries({ ...shapes, ...kinds })) {
    const guard = compileGuard(schema)
    const is = Schema.is(schema)
    test.prop([candidates(schema)], { numRuns: 300 })(`agrees with Schema.is on ${name}`, (value) => {
      const expected = effectVerdict(is, value)
      if (expected !== undefined) expect(guard(value)).toBe(expected)
    })
  }

  it('refuses what a schema refuses and accepts what it accepts, on a membership ping', () => {
    const guard = compileGuard(membershipKinds['membership.ping']!)
    expect(guard({ seq: 1, incarnation: 0, updates: [{ member: 'a', status: 'alive', incarnation: 2 }] })).toBe(true)
    expect(guard({ seq: 1, incarnation: 0, updates: [], extra: 'ignored' })).toBe(true)
    expect(guard({ seq: -1, incarnation: 0, updates: [] })).toBe(false)
    expect(guard({ seq: 1.5, incarnation: 0, updates: [] })).toBe(false)
    expect(guard({ seq: 1, updates: [] })).toBe(false)
    expect(guard({ seq: 1, incarnation: 0, updates: [{ member: 'a', status: 'gone', incarnation: 2 }] })).toBe(false)
    expect(guard({ seq: 1, incarnation: 0, updates: Array.from({ length: 65 }, () => ({ member: 'a', status: 'alive', incarnation: 0 })) })).toBe(false)
    expect(guard([1, 0, []])).toBe(false)
    expect(guard(null)).toBe(false)
  })
})
