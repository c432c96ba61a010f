/**
 * Scenario errors that point at the exact spot in the file.
 *
 * Validation works on plain values (a path of keys); the YAML document's nodes turn a
 * path back into a line and column. When the path leads somewhere the file does not
 * have (a missing key), the error points at the nearest ancestor that it does have.
 */
import { Data, Option, ParseResult, SchemaAST } from 'effect'
import type { ParseError, ParseIssue } from 'effect/ParseResult'
import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type YAMLError } from 'yaml'
import { KnownAs, shown } from './schemas.ts'

export class ScenarioError extends Data.TaggedError('ScenarioError')<{
  readonly file: string
  /** 1-based; 0 when the problem is the file as a whole (it could not be read). */
  readonly line: number
  readonly column: number
  /** Path of the offending key, like `roles.member.count` or `faults[2].crash`; empty for syntax errors. */
  readonly field: string
  readonly problem: string
  readonly hint?: string
}> {
  /** One line, in the `file:line:col:` form editors and terminals turn into links. */
  override get message(): string {
    const where = this.line > 0 ? `${this.file}:${this.line}:${this.column}` : this.file
    const field = this.field === '' ? '' : `${this.field}: `
    const hint = this.hint === undefined ? '' : ` — ${this.hint}`
    return `${where}: ${field}${this.problem}${hint}`
  }
}

/** A parsed scenario file: enough to turn a path of keys into a line and column. */
export interface Source {
  readonly file: string
  readonly doc: Document
  readonly lineCounter: LineCounter
}

/** A problem found at a path of keys, before it is placed in the file. */
export interface Problem {
  readonly path: readonly PropertyKey[]
  readonly problem: string
  readonly hint?: string
}

/**
 * Offset of what `path` names: the key of a mapping entry (where a reader looks for it),
 * the start of a list item, or the deepest ancestor the file has.
 */
const offsetOf = (doc: Document, path: readonly PropertyKey[]): number => {
  let node: unknown = doc.contents
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key))
      if (pair === undefined || !isScalar(pair.key)) break
      offset = pair.key.range?.[0] ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key]
      if (!isNode(item)) break
      offset = item.range?.[0] ?? offset
      node = item
    } else break
  }
  return offset
}

/** 1-based line of what `path` names, as `offsetOf` finds it. */
export const lineOf = (source: Source, path: readonly PropertyKey[]): number =>
  source.lineCounter.linePos(offsetOf(source.doc, path)).line

const fieldOf = (path: readonly PropertyKey[]): string =>
  path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('')

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim()

/** The problem that comes first in the file; ties keep their given order. `problems` is never empty. */
export const firstInDocument = (source: Source, problems: readonly Problem[]): ScenarioError => {
  const placed = problems.map((problem) => ({ problem, offset: offsetOf(source.doc, problem.path) }))
  const first = placed.reduce((best, next) => (next.offset < best.offset ? next : best))
  const { line, col } = source.lineCounter.linePos(first.offset)
  const { path, problem, hint } = first.problem
  return new ScenarioError({
    file: source.file,
    line,
    column: col,
    field: fieldOf(path),
    problem: oneLine(problem),
    ...(hint === undefined ? {} : { hint }),
  })
}

export const syntaxError = (file: string, lineCounter: LineCounter, error: YAMLError): ScenarioError => {
  const { line, col } = lineCounter.linePos(error.pos[0])
  return new ScenarioError({ file, line, column: col, field: '', problem: oneLine(error.message) })
}

// ---------------------------------------------------------------------------------------
// From a schema ParseError to problems with hints
// ---------------------------------------------------------------------------------------

/** The values that would have been accepted where something unknown was given. */
interface Choices {
  /** What the file has there: the value, or for an unknown key the key. */
  readonly given: unknown
  readonly options: readonly string[]
  /** What the options are, e.g. "key" or "role". */
  readonly noun: string
  /** The schema named its options (KnownAs), so they are worth listing even next to a guess. */
  readonly named: boolean
}

const choicesFrom = (given: unknown, options: readonly string[], ast: SchemaAST.AST, fallbackNoun: string): Choices => {
  const noun = Option.getOrUndefined(SchemaAST.getAnnotation<string>(KnownAs)(ast))
  return { given, options, noun: noun ?? fallbackNoun, named: noun !== undefined }
}

const literalsOf = (ast: SchemaAST.AST): string[] | undefined => {
  if (SchemaAST.isLiteral(ast)) return [String(ast.literal)]
  if (SchemaAST.isUnion(ast) && ast.types.every(SchemaAST.isLiteral))
    return ast.types.map((type) => String((type as SchemaAST.Literal).literal))
  return undefined
}

const pathKey = (path: readonly PropertyKey[]): string => path.map(String).join('\u0000')

/**
 * Walks the issue tree for what ArrayFormatter's flat list loses: the keys a mapping
 * accepts (for unknown keys) and the literals a field accepts (for unknown values).
 */
const choicesByPath = (root: ParseIssue): Map<string, Choices> => {
  const found = new Map<string, Choices>()
  const record = (path: readonly PropertyKey[], choices: Choices) => {
    if (!found.has(pathKey(path))) found.set(pathKey(path), choices)
  }
  const literalChoices = (ast: SchemaAST.AST, actual: unknown): Choices | undefined => {
    const options = literalsOf(ast)
    return options && choicesFrom(actual, options, ast, 'value')
  }
  const visit = (issue: ParseIssue, path: readonly PropertyKey[], keysHere?: SchemaAST.TypeLiteral): void => {
    switch (issue._tag) {
      case 'Pointer':
        return visit(issue.issue, path.concat(issue.path), keysHere)
      case 'Composite': {
        const literals = literalChoices(issue.ast, issue.actual)
        if (literals) record(path, literals)
        const keys = SchemaAST.isTypeLiteral(issue.ast) ? issue.ast : undefined
        for (const inner of Array.isArray(issue.issues) ? issue.issues : [issue.issues]) visit(inner, path, keys)
        return
      }
      case 'Refinement':
      case 'Transformation':
        return visit(issue.issue, path)
      case 'Type': {
        const literals = literalChoices(issue.ast, issue.actual)
        if (literals) record(path, literals)
        return
      }
      case 'Unexpected': {
        if (keysHere === undefined) return
        const options = keysHere.propertySignatures.map((signature) => String(signature.name))
        return record(path, choicesFrom(path.at(-1), options, keysHere, 'key'))
      }
      default:
        return
    }
  }
  visit(root, [])
  return found
}

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The closest option, if it is close enough to be a typo (about one edit per three letters). */
const closest = (given: string, options: readonly string[]): string | undefined => {
  const scored = options.map((option) => ({
    option,
    distance: editDistance(given.toLowerCase(), option.toLowerCase()),
    allowed: Math.max(1, Math.floor(Math.max(given.length, option.length) / 3)),
  }))
  const best = scored
    .filter(({ distance, allowed }) => distance <= allowed)
    .reduce<(typeof scored)[number] | undefined>(
      (winner, next) => (winner === undefined || next.distance < winner.distance ? next : winner),
      undefined,
    )
  return best?.option
}

const hintFor = ({ given, options, noun, named }: Choices): string | undefined => {
  const guess = closest(String(given), options)
  const listing = options.length === 0 ? `there are no ${noun}s` : `known ${noun}s: ${options.join(', ')}`
  if (guess !== undefined) return named ? `did you mean '${guess}'? ${listing}` : `did you mean '${guess}'?`
  // A lone option is already in the message ("expected true, got false").
  return named || options.length > 1 ? listing : undefined
}

/** Effect's default "Expected X, actual Y" in the same voice as the schemas' own messages. */
const inOurVoice = (message: string): string => message.replace(/^Expected (.*), actual (.*)$/s, 'expected $1, got $2')

const problemAt = (tag: string, message: string, sameSpot: number, choices: Choices | undefined): string => {
  if (tag === 'Unexpected') return `unknown ${choices?.noun ?? 'key'}`
  // A union of literals fails once per literal ("expected "a"", "expected "b""): say it once.
  if (sameSpot > 1 && choices !== undefined)
    return `expected ${choices.options.map((option) => JSON.stringify(option)).join(' | ')}, got ${shown(choices.given)}`
  return inOurVoice(message)
}

/** Every problem a failed decode found (one per spot), each with the hint its context allows. */
export const problemsOf = (error: ParseError): Problem[] => {
  const known = choicesByPath(error.issue)
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const perSpot = new Map<string, number>()
  for (const { path } of issues) perSpot.set(pathKey(path), (perSpot.get(pathKey(path)) ?? 0) + 1)
  const reported = new Set<string>()
  return issues.flatMap(({ _tag, path, message }): Problem[] => {
    const spot = pathKey(path)
    if (reported.has(spot)) return []
    reported.add(spot)
    const choices = known.get(spot)
    const hint = choices && hintFor(choices)
    const problem = problemAt(_tag, message, perSpot.get(spot) ?? 1, choices)
    return [{ path, problem, ...(hint === undefined ? {} : { hint }) }]
  })
}
