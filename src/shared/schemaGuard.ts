import { Option, Schema, SchemaAST as AST } from 'effect'

/** A predicate that accepts exactly the values `Schema.is(schema)` accepts. */
export type Guard = (u: unknown) => boolean

/**
 * Compiles a schema into a guard, once, from its AST. `Schema.is` walks Effect's generic
 * parser, which allocates an Either per node, an output object per struct and an options
 * object per call: ~0.7M checks/s of a membership ping body, most of the simulator's
 * per-envelope budget. The guard this builds is a tree of small closures that allocate
 * nothing and, for the same body, checks several times faster.
 *
 * It mirrors ParseResult's decoding of the schema's Type side (what `Schema.is` runs,
 * with `exact: true`), node by node, for the nodes messages are made of: structs and
 * records, arrays and tuples, unions, literals, keywords and refinements (whose filters it
 * calls as ParseResult does). Any other node — a declaration such as Uint8ArrayFromSelf, a
 * recursive schema, a template literal, a node carrying parse options — is checked by
 * Effect's own guard for that subtree, so the result is the same whatever the schema.
 */
export const compileGuard = (schema: Schema.Schema<any, any, never>): Guard => compile(AST.typeAST(schema.ast), new Map())

/** What `Schema.is` passes to a refinement's filter. */
const IS_OPTIONS: AST.ParseOptions = { exact: true }

/** A compiled node; `native` is false when Effect checks it (a union then defers to Effect as a whole). */
interface Compiled {
  readonly guard: Guard
  readonly native: boolean
}

const compile = (ast: AST.AST, memo: Map<AST.AST, Compiled>): Guard => compiled(ast, memo).guard

const compiled = (ast: AST.AST, memo: Map<AST.AST, Compiled>): Compiled => {
  let result = memo.get(ast)
  if (result === undefined) memo.set(ast, (result = compileNode(ast, memo)))
  return result
}

const native = (guard: Guard): Compiled => ({ guard, native: true })

/** Effect's guard for a subtree: the exact semantics, at Effect's speed. */
const byEffect = (ast: AST.AST): Compiled => {
  const is = Schema.is(Schema.make(ast))
  return { guard: (u) => is(u), native: false }
}

const compileNode = (ast: AST.AST, memo: Map<AST.AST, Compiled>): Compiled => {
  // ParseResult applies these per node (options for the subtree, a fallback value): let it.
  if (Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))) return byEffect(ast)
  switch (ast._tag) {
    case 'StringKeyword':
      return native((u) => typeof u === 'string')
    case 'NumberKeyword':
      return native((u) => typeof u === 'number')
    case 'BooleanKeyword':
      return native((u) => typeof u === 'boolean')
    case 'BigIntKeyword':
      return native((u) => typeof u === 'bigint')
    case 'SymbolKeyword':
      return native((u) => typeof u === 'symbol')
    case 'UndefinedKeyword':
      return native((u) => u === undefined)
    case 'ObjectKeyword':
      return native((u) => (typeof u === 'object' && u !== null) || typeof u === 'function')
    case 'UnknownKeyword':
    case 'AnyKeyword':
    case 'VoidKeyword':
      return native(() => true)
    case 'NeverKeyword':
      return native(() => false)
    case 'Literal': {
      const literal = ast.literal
      return native((u) => u === literal)
    }
    case 'UniqueSymbol': {
      const symbol = ast.symbol
      return native((u) => u === symbol)
    }
    case 'Enums': {
      const values = ast.enums.map(([, value]) => value)
      return native((u) => values.includes(u as string | number))
    }
    case 'Refinement': {
      const from = compile(ast.from, memo)
      const filter = ast.filter
      return native((u) => from(u) && Option.isNone(filter(u, IS_OPTIONS, ast)))
    }
    case 'TypeLiteral':
      return native(structGuard(ast, memo))
    case 'TupleType':
      return native(tupleGuard(ast, memo))
    case 'Union': {
      const members = ast.types.map((member) => compiled(member, memo))
      // ParseResult narrows a union's candidates by their literal fields before trying them,
      // which only ever leaves out members that would refuse the value. That holds for the
      // nodes compiled here; for a declaration (a class and its surrogate) let Effect decide.
      if (!members.every((member) => member.native)) return byEffect(ast)
      const guards = members.map((member) => member.guard)
      return native((u) => {
        for (let i = 0; i < guards.length; i++) if (guards[i]!(u)) return true
        return false
      })
    }
    default:
      return byEffect(ast)
  }
}

interface Property {
  readonly name: PropertyKey
  readonly optional: boolean
  readonly guard: Guard
}

interface IndexSignature {
  readonly symbols: boolean
  readonly key: Guard
  readonly value: Guard
}

const hasOwn = Object.prototype.hasOwnProperty

/** A struct or record: an object (not an array), each property present unless optional (exact) and valid; extra keys are ignored. */
const structGuard = (ast: AST.TypeLiteral, memo: Map<AST.AST, Compiled>): Guard => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) return (u) => u !== null && u !== undefined
  const properties: Property[] = ast.propertySignatures.map((ps) => ({ name: ps.name, optional: ps.isOptional, guard: compile(ps.type, memo) }))
  const indexes: IndexSignature[] = ast.indexSignatures.map((is) => ({
    symbols: keysAreSymbols(is.parameter),
    key: compile(is.parameter, memo),
    value: compile(is.type, memo),
  }))
  return (u) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return false
    const record = u as Record<PropertyKey, unknown>
    for (let i = 0; i < properties.length; i++) {
      const property = properties[i]!
      if (!hasOwn.call(record, property.name)) {
        if (property.optional) continue
        return false
      }
      if (!property.guard(record[property.name])) return false
    }
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i]!
      const keys: readonly PropertyKey[] = index.symbols ? Object.getOwnPropertySymbols(record) : Object.keys(record)
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!
        if (index.key(key) && !index.value(record[key])) return false
      }
    }
    return true
  }
}

/** Which own keys an index signature ranges over, as ParseResult lists them. */
const keysAreSymbols = (parameter: AST.Parameter): boolean => {
  switch (parameter._tag) {
    case 'SymbolKeyword':
      return true
    case 'Refinement':
      return keysAreSymbols(parameter.from)
    default:
      return false
  }
}

/**
 * An array or tuple: enough items for the required elements (and the rest's trailing
 * ones), no more than the elements without a rest, and each present item valid.
 */
const tupleGuard = (ast: AST.TupleType, memo: Map<AST.AST, Compiled>): Guard => {
  const elements = ast.elements.map((element) => compile(element.type, memo))
  const [rest, ...trailing] = ast.rest.map((item) => compile(item.type, memo))
  const required = ast.elements.filter((element) => !element.isOptional).length + trailing.length
  return (u) => {
    if (!Array.isArray(u)) return false
    const length = u.length
    if (length < required) return false
    if (rest === undefined && length > elements.length) return false
    let i = 0
    for (; i < elements.length; i++) if (i < length && !elements[i]!(u[i])) return false
    if (rest === undefined) return true
    for (; i < length - trailing.length; i++) if (!rest(u[i])) return false
    for (let j = 0; j < trailing.length; j++) if (i + j < length && !trailing[j]!(u[i + j])) return false
    return true
  }
}
