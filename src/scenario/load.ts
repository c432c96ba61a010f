/**
 * Reads a scenario file into a normalized `Scenario`, or the first thing wrong with it.
 *
 * Four passes, each reporting the first problem in document order: YAML syntax (the
 * yaml library's positions), shape and values (the schemas in schemas.ts), what only
 * the whole scenario can tell (node ids and roles that faults and links name exist,
 * faults fall within the run), and the vocabulary's rules across roles and nodes. Only
 * then is the document normalized: nodes expanded, fault steps ordered in time.
 */
import { readFileSync } from 'node:fs'
import { Either, Schema } from 'effect'
import { LineCounter, parseDocument } from 'yaml'
import { formatDuration } from '../runtime/time.ts'
import { firstInDocument, lineOf, problemsOf, ScenarioError, syntaxError, type Problem, type Source } from './errors.ts'
import { scenarioDocument, type FaultStepDocument, type ScenarioDocument } from './schemas.ts'
import type { FaultAction, FaultStep, NodeSpec, PartitionShape, RoleSpec, Scenario } from './types.ts'
import type { ScenarioVocabulary } from './vocabulary.ts'

export { ScenarioError } from './errors.ts'

export const parseScenario = (
  text: string,
  path: string,
  vocabulary: ScenarioVocabulary,
): Either.Either<Scenario, ScenarioError> =>
  Either.gen(function* () {
    const lineCounter = new LineCounter()
    const doc = parseDocument(text, { lineCounter, prettyErrors: false })
    const syntax = doc.errors[0]
    if (syntax !== undefined) return yield* Either.left(syntaxError(path, lineCounter, syntax))
    const source: Source = { file: path, doc, lineCounter }
    const raw = yield* plainValue(source)
    const document = yield* Schema.decodeUnknownEither(documentSchemaFor(vocabulary))(raw, {
      errors: 'all',
      onExcessProperty: 'error',
    }).pipe(Either.mapLeft((error) => firstInDocument(source, problemsOf(error))))
    const roles = rolesInFileOrder(document, raw)
    const nodes = expandNodes(roles)
    const unresolved = unresolvedNames(document, roles, nodes)
    if (unresolved.length > 0) return yield* Either.left(firstInDocument(source, unresolved))
    const paramsByRole = new Map(roles.map(({ role, params }) => [role, params]))
    const mismatched = (vocabulary.crossRoleRules ?? []).flatMap((rule) => rule(paramsByRole, nodes))
    if (mismatched.length > 0) return yield* Either.left(firstInDocument(source, mismatched))
    return normalize(document, roles, nodes, source, text)
  })

export const loadScenario = (path: string, vocabulary: ScenarioVocabulary): Either.Either<Scenario, ScenarioError> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a scenario file' : String(cause)
    return Either.left(
      new ScenarioError({ file: path, line: 0, column: 0, field: '', problem, hint: 'check the path (scenarios live under scenarios/)' }),
    )
  }
  return parseScenario(text, path, vocabulary)
}

/**
 * Building the document schema, and Effect compiling a decoder for it (memoized per
 * schema), costs several times more than decoding; a vocabulary's schema is built once.
 */
const documentSchemas = new WeakMap<ScenarioVocabulary, ReturnType<typeof scenarioDocument>>()

const documentSchemaFor = (vocabulary: ScenarioVocabulary): ReturnType<typeof scenarioDocument> => {
  const known = documentSchemas.get(vocabulary)
  if (known !== undefined) return known
  const schema = scenarioDocument(vocabulary)
  documentSchemas.set(vocabulary, schema)
  return schema
}

/** The document as plain data; the yaml library refuses alias bombs here by throwing. */
const plainValue = (source: Source): Either.Either<unknown, ScenarioError> =>
  Either.try({
    try: () => source.doc.toJS(),
    catch: (cause) => firstInDocument(source, [{ path: [], problem: cause instanceof Error ? cause.message : String(cause) }]),
  })

/** Roles with their decoded entries, in the order the file lists them (which fixes node order). */
const rolesInFileOrder = (document: ScenarioDocument, raw: unknown): RoleSpec[] => {
  const written = Object.keys((raw as { roles: object }).roles)
  return written.flatMap((role) => {
    const entry = document.roles[role]
    return entry === undefined ? [] : [{ role, count: entry.count, params: entry.params }]
  })
}

/** One node per instance, `${role}-${i}`, in role order then index. */
const expandNodes = (roles: readonly RoleSpec[]): NodeSpec[] =>
  roles.flatMap(({ role, count, params }) => Array.from({ length: count }, (_, i) => ({ id: `${role}-${i}`, role, params })))

/** "member-0…member-49" — the ids of a role's `count` nodes (at least one), without listing fifty. */
export const nodeIdRange = (role: string, count: number): string => (count === 1 ? `${role}-0` : `${role}-0…${role}-${count - 1}`)

/** "member-0…member-49, validator-0" — what a user can refer to. */
const definedNodes = (roles: readonly RoleSpec[]): string => {
  const ranges = roles.filter(({ count }) => count > 0).map(({ role, count }) => nodeIdRange(role, count))
  return ranges.length === 0 ? 'this scenario defines no nodes' : `this scenario defines ${ranges.join(', ')}`
}

/** Every node id a fault step names, with the path of the key that names it. */
const namedNodes = (step: FaultStepDocument, at: readonly PropertyKey[]): { path: PropertyKey[]; id: string }[] => {
  const named: { path: PropertyKey[]; id: string }[] = []
  for (const key of ['crash', 'restart', 'pause', 'resume'] as const) {
    const id = step[key]
    if (id !== undefined) named.push({ path: [...at, key], id })
  }
  if (step.partition?.isolate !== undefined) named.push({ path: [...at, 'partition', 'isolate'], id: step.partition.isolate })
  step.partition?.groups?.forEach((group, g) =>
    group.forEach((id, i) => named.push({ path: [...at, 'partition', 'groups', g, i], id })),
  )
  if (step.clock !== undefined) named.push({ path: [...at, 'clock', 'node'], id: step.clock.node })
  if (step.storage !== undefined) named.push({ path: [...at, 'storage', 'node'], id: step.storage.node })
  return named
}

/** Names that must exist in this scenario: node ids and roles in faults and links, and fault times. */
const unresolvedNames = (document: ScenarioDocument, roles: readonly RoleSpec[], nodes: readonly NodeSpec[]): Problem[] => {
  const ids = new Set(nodes.map(({ id }) => id))
  const roleNames = roles.map(({ role }) => role)
  const problems: Problem[] = []
  const nodeMustExist = (path: readonly PropertyKey[], id: string) => {
    if (!ids.has(id)) problems.push({ path, problem: `no node "${id}"`, hint: definedNodes(roles) })
  }

  document.network.links.forEach((link, i) => {
    for (const end of ['from', 'to'] as const) {
      const selector = link[end]
      if (selector === '*') continue
      if (!selector.startsWith('role:')) nodeMustExist(['network', 'links', i, end], selector)
      else if (!roleNames.includes(selector.slice('role:'.length)))
        problems.push({
          path: ['network', 'links', i, end],
          problem: `no role "${selector.slice('role:'.length)}" in this scenario`,
          hint: `roles here: ${roleNames.join(', ')}`,
        })
    }
  })

  document.faults.forEach((step, i) => {
    for (const { path, id } of namedNodes(step, ['faults', i])) nodeMustExist(path, id)
    if (step.at > document.duration)
      problems.push({
        path: ['faults', i, 'at'],
        problem: `${formatDuration(step.at)} is after the end of the run`,
        hint: `duration is ${formatDuration(document.duration)}`,
      })
    const groups = step.partition?.groups
    if (groups !== undefined) {
      const seen = new Set<string>()
      groups.forEach((group, g) =>
        group.forEach((id, n) => {
          if (seen.has(id)) problems.push({ path: ['faults', i, 'partition', 'groups', g, n], problem: `"${id}" is in two groups` })
          seen.add(id)
        }),
      )
    }
    const split = step.partition?.split
    if (split !== undefined && split > ids.size)
      problems.push({ path: ['faults', i, 'partition', 'split'], problem: `${split} parts but only ${ids.size} node${ids.size === 1 ? '' : 's'}` })
  })
  return problems
}

const partitionShape = (partition: NonNullable<FaultStepDocument['partition']>): PartitionShape => {
  if (partition.isolate !== undefined) return { shape: 'isolate', node: partition.isolate }
  if (partition.split !== undefined) return { shape: 'split', parts: partition.split }
  return { shape: 'groups', groups: partition.groups ?? [] }
}

/** The one action of a step (the schema made sure there is exactly one) as the simulator reads it. */
const faultAction = (step: FaultStepDocument): FaultAction => {
  for (const type of ['crash', 'restart', 'pause', 'resume'] as const) {
    const node = step[type]
    if (node !== undefined) return { type, node }
  }
  if (step.partition !== undefined)
    return { type: 'partition', partition: partitionShape(step.partition), oneWay: step.oneWay ?? false }
  if (step.clock !== undefined) return { type: 'clock', ...step.clock }
  if (step.storage !== undefined) return { type: 'storage', ...step.storage }
  if (step.network !== undefined) return { type: 'network', change: step.network }
  return { type: 'heal' }
}

const normalize = (
  document: ScenarioDocument,
  roles: readonly RoleSpec[],
  nodes: readonly NodeSpec[],
  source: Source,
  text: string,
): Scenario => {
  const faults: FaultStep[] = document.faults
    .map((step, i) => ({
      at: step.at,
      ...(step.for === undefined ? {} : { for: step.for }),
      action: faultAction(step),
      line: lineOf(source, ['faults', i]),
    }))
    // Array.prototype.sort is stable, so steps at the same time keep their file order.
    .sort((a, b) => a.at - b.at)
  return {
    name: document.name,
    ...(document.description === undefined ? {} : { description: document.description }),
    path: source.file,
    text,
    seed: document.seed,
    duration: document.duration,
    network: document.network,
    nodes,
    roles,
    workloads: document.workloads,
    faults,
    checks: document.checks,
  }
}
