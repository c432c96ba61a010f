/**
 * What a valid scenario file looks like, as Effect Schemas.
 *
 * The first half are value schemas that vocabularies reuse for their own parameters (a
 * role's `protocolPeriod: 1s` decodes with `Duration`). The second half describes the
 * document itself; load.ts turns what it decodes into a normalized `Scenario`.
 *
 * Messages are written in the user's terms ("expected a duration like ...") because they
 * end up verbatim in the one-line error a user reads. Defaults live here, next to the
 * field they belong to, so an absent key and a partly filled mapping decode alike.
 */
import { Option, ParseResult, Schema } from 'effect'
import { isValidActorId } from '../runtime/address.ts'
import { formatDuration } from '../runtime/time.ts'
import { Bandwidth, ByteSize, Duration, expected, expectedShape, NonNegativeInt, PositiveDuration, PositiveInt, Probability, SignedDuration, shown } from '../shared/paramSchemas.ts'
import type { ScenarioVocabulary, VocabularyEntry } from './vocabulary.ts'

/**
 * Annotation naming what a mapping's keys or a literal's values are, so an unknown one is
 * reported as "unknown role" with "known roles: ..." rather than as a generic key.
 */
export const KnownAs = Symbol.for('strata/scenario/KnownAs')

/** The value schemas vocabularies use for their parameters live in src/shared (protocols use them too). */
export { Bandwidth, ByteSize, Duration, NonNegativeInt, PositiveDuration, PositiveInt, Probability, SignedDuration, shown }

export const NodeId = Schema.String.pipe(Schema.filter(isValidActorId)).annotations(
  expected('a node id like "member-3"'),
)

// ---------------------------------------------------------------------------------------
// The scenario document
// ---------------------------------------------------------------------------------------

const AnyMapping = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * A YAML mapping with these keys (unknown keys are rejected by the decode options). The
 * record check comes first so that "not a mapping at all" gets a readable message even
 * when fields have defaults, which turn the struct into a transformation.
 */
const mapping = <Fields extends Schema.Struct.Fields>(what: string, fields: Fields) =>
  Schema.compose(AnyMapping.annotations(expectedShape(what)), Schema.Struct(fields), { strict: false })

const list = <A, I>(what: string, item: Schema.Schema<A, I, never>) =>
  Schema.Array(item).annotations(expectedShape(what))

/**
 * An optional key whose absence means "all defaults": `empty` is decoded in its place, so
 * the schema's own defaults (or its complaint about a missing required field) apply.
 */
const absentAs = <A, I>(schema: Schema.Schema<A, I, never>, empty: I) =>
  Schema.optionalToRequired(Schema.Unknown, schema, {
    // Whatever was given is checked by `schema` itself right after.
    decode: (given) => Option.getOrElse(given as Option.Option<I>, () => empty),
    encode: Option.some,
  })

const withDefault = <A, I>(schema: Schema.Schema<A, I, never>, value: A) =>
  Schema.optionalWith(schema, { default: () => value, exact: true })

const Text = Schema.String.annotations(expected('text'))
const Name = Schema.String.pipe(Schema.minLength(1)).annotations(expected('a non-empty name'))
const Seed = Schema.Number.pipe(Schema.int(), Schema.between(0, 2 ** 32 - 1)).annotations(
  expected('an integer seed from 0 to 4294967295'),
)

export const LatencyDocument = Schema.Union(
  Schema.Struct({ dist: Schema.Literal('constant'), value: Duration }),
  Schema.Struct({ dist: Schema.Literal('uniform'), min: Duration, max: Duration }).pipe(
    Schema.filter(({ min, max }) =>
      min <= max || { path: ['max'], message: `max ${formatDuration(max)} is below min ${formatDuration(min)}` },
    ),
  ),
  Schema.Struct({ dist: Schema.Literal('exponential'), mean: Duration, min: withDefault(Duration, 0) }),
).annotations(expectedShape('a latency model like { dist: uniform, min: 1ms, max: 5ms }'))

const LinkSelector = Schema.String.pipe(Schema.minLength(1)).annotations(
  expected('"*", a node id or "role:<role>"'),
)

const LinkDocument = mapping('a link rule like { from: member-0, to: "*", loss: 0.1 }', {
  from: LinkSelector,
  to: LinkSelector,
  latency: Schema.optionalWith(LatencyDocument, { exact: true }),
  loss: Schema.optionalWith(Probability, { exact: true }),
  duplicate: Schema.optionalWith(Probability, { exact: true }),
  bandwidth: Schema.optionalWith(Bandwidth, { exact: true }),
})

const ReorderDocument = mapping('a mapping like { probability: 0.05, delay: 20ms }', {
  probability: Probability,
  delay: Duration,
})

const MailboxDocument = mapping('a mapping like { capacity: 1024, overflow: drop-newest }', {
  capacity: withDefault(PositiveInt, 1024),
  overflow: withDefault(Schema.Literal('drop-newest', 'drop-oldest'), 'drop-newest'),
})

export const NetworkDocument = mapping('a mapping of network settings', {
  latency: withDefault(LatencyDocument, { dist: 'uniform', min: 1_000, max: 5_000 }),
  loss: withDefault(Probability, 0),
  duplicate: withDefault(Probability, 0),
  reorder: withDefault(ReorderDocument, { probability: 0, delay: 0 }),
  bandwidth: withDefault(Bandwidth, 125_000_000),
  links: withDefault(list('a list of link rules', LinkDocument), []),
  mailbox: absentAs(MailboxDocument, {}),
  maxMessageBytes: withDefault(ByteSize, 16 * 2 ** 20),
})

const NetworkChangeDocument = mapping('a mapping like { loss: 0.2 }', {
  latency: Schema.optionalWith(LatencyDocument, { exact: true }),
  loss: Schema.optionalWith(Probability, { exact: true }),
  duplicate: Schema.optionalWith(Probability, { exact: true }),
  reorder: Schema.optionalWith(ReorderDocument, { exact: true }),
}).pipe(
  Schema.filter((change) => Object.keys(change).length > 0 || 'changes nothing: give latency, loss, duplicate or reorder'),
)

/** Which of `keys` a decoded mapping has, in the order `keys` lists them. */
const present = <K extends string>(value: Partial<Record<K, unknown>>, keys: readonly K[]): K[] =>
  keys.filter((key) => value[key] !== undefined)

const PARTITION_SHAPES = ['isolate', 'split', 'groups'] as const

const PartitionDocument = mapping('a partition like { isolate: member-1 }, { split: 2 } or { groups: [[a], [b]] }', {
  isolate: Schema.optionalWith(NodeId, { exact: true }),
  split: Schema.optionalWith(
    Schema.Number.pipe(Schema.int(), Schema.greaterThanOrEqualTo(2)).annotations(expected('a number of parts, at least 2')),
    { exact: true },
  ),
  groups: Schema.optionalWith(
    list('a list of groups of node ids', list('a list of node ids', NodeId).pipe(Schema.minItems(1))).pipe(
      Schema.minItems(1),
    ),
    { exact: true },
  ),
}).pipe(
  Schema.filter((partition) => {
    const [shape, second] = present(partition, PARTITION_SHAPES)
    if (shape === undefined) return 'needs one shape: isolate, split or groups'
    if (second !== undefined) return { path: [second], message: `has two shapes, '${shape}' and '${second}'; give one` }
    return true
  }),
)

const ClockDocument = mapping('a mapping like { node: member-2, drift: 0.001, jump: -2s }', {
  node: NodeId,
  drift: Schema.optionalWith(
    Schema.Number.pipe(Schema.finite(), Schema.greaterThan(-1)).annotations(
      expected('a drift fraction above -1 (0.001 = 1 ms per second fast)'),
    ),
    { exact: true },
  ),
  jump: Schema.optionalWith(SignedDuration, { exact: true }),
}).pipe(Schema.filter((clock) => present(clock, ['drift', 'jump']).length > 0 || 'changes nothing: give drift or jump'))

const StorageDocument = mapping('a mapping like { node: member-5, corruptReads: 0.01 }', {
  node: NodeId,
  corruptReads: Schema.optionalWith(Probability, { exact: true }),
  loseUnsyncedOnCrash: Schema.optionalWith(Schema.Boolean.annotations(expected('true or false')), { exact: true }),
}).pipe(
  Schema.filter(
    (storage) =>
      present(storage, ['corruptReads', 'loseUnsyncedOnCrash']).length > 0 ||
      'changes nothing: give corruptReads or loseUnsyncedOnCrash',
  ),
)

const FAULT_ACTIONS = [
  'crash',
  'restart',
  'pause',
  'resume',
  'partition',
  'heal',
  'clock',
  'storage',
  'network',
] as const

/** Actions the simulator can undo, so a `for` makes sense on them. */
const REVERTIBLE: readonly string[] = ['crash', 'pause', 'partition', 'network']

const optionalNode = Schema.optionalWith(NodeId, { exact: true })

export const FaultStepDocument = mapping('a fault step like { at: 10s, crash: member-3 }', {
  at: Duration,
  for: Schema.optionalWith(PositiveDuration, { exact: true }),
  oneWay: Schema.optionalWith(Schema.Boolean.annotations(expected('true or false')), { exact: true }),
  crash: optionalNode,
  restart: optionalNode,
  pause: optionalNode,
  resume: optionalNode,
  partition: Schema.optionalWith(PartitionDocument, { exact: true }),
  heal: Schema.optionalWith(Schema.Literal(true).annotations(expected('true')), { exact: true }),
  clock: Schema.optionalWith(ClockDocument, { exact: true }),
  storage: Schema.optionalWith(StorageDocument, { exact: true }),
  network: Schema.optionalWith(NetworkChangeDocument, { exact: true }),
}).pipe(
  Schema.filter((step) => {
    const [action, second] = present(step, FAULT_ACTIONS)
    if (action === undefined) return `needs one action: ${FAULT_ACTIONS.join(', ')}`
    if (second !== undefined)
      return { path: [second], message: `has two actions, '${action}' and '${second}'; a step takes exactly one` }
    if (step.for !== undefined && !REVERTIBLE.includes(action))
      return { path: ['for'], message: `'for' applies to crash, pause, partition and network, not to '${action}'` }
    if (step.oneWay !== undefined && action !== 'partition')
      return { path: ['oneWay'], message: `'oneWay' applies to partition only, not to '${action}'` }
    return true
  }),
)

export type FaultStepDocument = typeof FaultStepDocument.Type

/** Far beyond what one process simulates; it stops a typo like `1e9` from exhausting memory. */
const MAX_NODES_PER_ROLE = 100_000

const NodeCount = Schema.Number.pipe(Schema.int(), Schema.between(0, MAX_NODES_PER_ROLE)).annotations(
  expected(`a node count from 0 to ${MAX_NODES_PER_ROLE}`),
)

const roleDocument = (entry: VocabularyEntry) =>
  mapping('a mapping like { count: 3, params: { ... } }', {
    count: NodeCount,
    params: absentAs(entry.params, {}),
  })

const rolesDocument = (roles: ScenarioVocabulary['roles']) =>
  Schema.Struct(
    Object.fromEntries(
      Object.entries(roles).map(([role, entry]) => [role, Schema.optionalWith(roleDocument(entry), { exact: true })]),
    ),
  ).annotations({ ...expectedShape('a mapping from role name to { count, params }'), [KnownAs]: 'role' })

/**
 * A workload or check: `type` picks the vocabulary entry, every other key is a parameter
 * decoded by that entry's schema. Parameter errors keep their paths relative to the item,
 * so they point at the parameter's own line.
 */
const typedDocument = (kind: 'workload' | 'check', entries: Readonly<Record<string, VocabularyEntry>>) =>
  Schema.transformOrFail(
    Schema.Struct(
      {
        type: Schema.Literal(...Object.keys(entries)).annotations({
          ...expected(`a known ${kind} type`),
          [KnownAs]: `${kind} type`,
        }),
      },
      AnyMapping,
    ).annotations(expectedShape(`a ${kind} like { type: ..., <params> }`)),
    Schema.Struct({ type: Schema.String, params: Schema.Unknown }),
    {
      strict: true,
      decode: ({ type, ...params }, options) =>
        ParseResult.map(
          // `type` passed the literal check above, so the entry exists.
          ParseResult.decodeUnknown(entries[type]!.params)(params, options),
          (decoded) => ({ type, params: decoded }),
        ),
      encode: ({ type, params }, options) =>
        ParseResult.map(ParseResult.encodeUnknown(entries[type]!.params)(params, options), (encoded) => ({
          ...(encoded as object),
          type,
        })),
    },
  )

/** The whole file. Keys are in the order docs/scenario-format.md presents them. */
export const scenarioDocument = (vocabulary: ScenarioVocabulary) =>
  mapping('a mapping of scenario settings', {
    name: Name,
    description: Schema.optionalWith(Text, { exact: true }),
    seed: withDefault(Seed, 1),
    duration: PositiveDuration,
    network: absentAs(NetworkDocument, {}),
    roles: rolesDocument(vocabulary.roles),
    workloads: withDefault(list('a list of workloads', typedDocument('workload', vocabulary.workloads)), []),
    faults: withDefault(list('a list of fault steps', FaultStepDocument), []),
    checks: withDefault(list('a list of checks', typedDocument('check', vocabulary.checks)), []),
  })

export type ScenarioDocument = Schema.Schema.Type<ReturnType<typeof scenarioDocument>>
