import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Either, Schema } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { loadScenario, parseScenario, type ScenarioError } from '../../src/scenario/load.ts'
import { Bandwidth, ByteSize, Duration, PositiveInt, SignedDuration } from '../../src/scenario/schemas.ts'
import type { FaultAction, Scenario } from '../../src/scenario/types.ts'
import type { ScenarioVocabulary } from '../../src/scenario/vocabulary.ts'

const vocabulary: ScenarioVocabulary = {
  roles: {
    member: {
      describe: 'a member',
      params: Schema.Struct({
        protocolPeriod: Schema.optionalWith(Duration, { default: () => 1_000_000, exact: true }),
        suspicionMult: Schema.optionalWith(PositiveInt, { default: () => 4, exact: true }),
      }),
    },
    validator: { describe: 'a validator', params: Schema.Struct({ stake: PositiveInt }) },
  },
  workloads: {
    echo: {
      describe: 'echo requests',
      params: Schema.Struct({
        rate: PositiveInt,
        timeout: Schema.optionalWith(Duration, { default: () => 500_000, exact: true }),
      }),
    },
  },
  checks: {
    'membership.crash-detected': {
      describe: 'crashes are detected',
      params: Schema.Struct({ within: Schema.optionalWith(Duration, { exact: true }) }),
    },
    'membership.converged': { describe: 'views converge', params: Schema.Struct({}) },
  },
}

const FILE = 'scenarios/x.yaml'
const parse = (text: string) => parseScenario(text, FILE, vocabulary)

const scenarioOf = (text: string): Scenario => {
  const result = parse(text)
  if (Either.isLeft(result)) throw new Error(`expected a scenario, got: ${result.left.message}`)
  return result.right
}

const errorOf = (text: string): ScenarioError => {
  const result = parse(text)
  if (Either.isRight(result)) throw new Error('expected a ScenarioError, the scenario was accepted')
  return result.left
}

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`

const MINIMAL = ['name: small', 'duration: 10s', 'roles:', '  member:', '    count: 5']

const fixture = fileURLToPath(new URL('../fixtures/scenarios/full.yaml', import.meta.url))

describe('a valid scenario', () => {
  it('normalizes every section of the full example', () => {
    const loaded = loadScenario(fixture, vocabulary)
    if (Either.isLeft(loaded)) throw new Error(loaded.left.message)
    const scenario = loaded.right
    expect(scenario.path).toBe(fixture)
    expect(scenario.text).toBe(readFileSync(fixture, 'utf8'))
    expect(scenario).toMatchObject({ name: 'membership-basics', description: '50 members, one crash', seed: 7 })
    expect(scenario.duration).toBe(60_000_000)
    expect(scenario.network).toEqual({
      latency: { dist: 'uniform', min: 1_000, max: 5_000 },
      loss: 0.01,
      duplicate: 0.001,
      reorder: { probability: 0.05, delay: 20_000 },
      bandwidth: 125_000_000,
      links: [
        { from: 'member-0', to: '*', latency: { dist: 'constant', value: 40_000 } },
        { from: 'role:member', to: 'member-1', loss: 0.5, bandwidth: 10_000_000 },
      ],
      mailbox: { capacity: 1024, overflow: 'drop-oldest' },
      maxMessageBytes: 16 * 1024 * 1024,
    })
    const params = { protocolPeriod: 1_500_000, suspicionMult: 4 }
    expect(scenario.roles).toEqual([{ role: 'member', count: 50, params }])
    expect(scenario.nodes).toHaveLength(50)
    expect(scenario.nodes[0]).toEqual({ id: 'member-0', role: 'member', params })
    expect(scenario.nodes.map((n) => n.id)).toEqual(Array.from({ length: 50 }, (_, i) => `member-${i}`))
    expect(scenario.workloads).toEqual([{ type: 'echo', params: { rate: 10, timeout: 500_000 } }])
    expect(scenario.checks).toEqual([{ type: 'membership.crash-detected', params: { within: 30_000_000 } }])
    expect(scenario.faults).toEqual([
      { at: 10_000_000, action: { type: 'crash', node: 'member-3' }, line: 24 },
      { at: 20_000_000, action: { type: 'restart', node: 'member-3' }, line: 25 },
      { at: 25_000_000, for: 2_000_000, action: { type: 'pause', node: 'member-4' }, line: 26 },
      {
        at: 30_000_000,
        action: { type: 'partition', partition: { shape: 'isolate', node: 'member-1' }, oneWay: false },
        line: 27,
      },
      {
        at: 31_000_000,
        for: 5_000_000,
        action: { type: 'partition', partition: { shape: 'split', parts: 2 }, oneWay: true },
        line: 28,
      },
      {
        at: 32_000_000,
        action: {
          type: 'partition',
          partition: { shape: 'groups', groups: [['member-0', 'member-1'], ['member-2']] },
          oneWay: false,
        },
        line: 29,
      },
      { at: 40_000_000, action: { type: 'heal' }, line: 30 },
      { at: 41_000_000, action: { type: 'clock', node: 'member-2', drift: 0.001, jump: -2_000_000 }, line: 31 },
      {
        at: 42_000_000,
        action: { type: 'storage', node: 'member-5', corruptReads: 0.01, loseUnsyncedOnCrash: true },
        line: 32,
      },
      {
        at: 43_000_000,
        for: 10_000_000,
        action: {
          type: 'network',
          change: { loss: 0.2, latency: { dist: 'exponential', mean: 3_000, min: 500 } },
        },
        line: 33,
      },
    ])
  })

  it('fills in every default the format promises', () => {
    const scenario = scenarioOf(lines(...MINIMAL))
    expect(scenario.seed).toBe(1)
    expect(scenario).not.toHaveProperty('description')
    expect(scenario.network).toEqual({
      latency: { dist: 'uniform', min: 1_000, max: 5_000 },
      loss: 0,
      duplicate: 0,
      reorder: { probability: 0, delay: 0 },
      bandwidth: 125_000_000,
      links: [],
      mailbox: { capacity: 1024, overflow: 'drop-newest' },
      maxMessageBytes: 16 * 1024 * 1024,
    })
    expect(scenario.roles).toEqual([{ role: 'member', count: 5, params: { protocolPeriod: 1_000_000, suspicionMult: 4 } }])
    expect(scenario.workloads).toEqual([])
    expect(scenario.faults).toEqual([])
    expect(scenario.checks).toEqual([])
  })

  it('orders nodes by the order roles appear in the file, not the vocabulary', () => {
    const scenario = scenarioOf(
      lines('name: n', 'duration: 1s', 'roles:', '  validator: { count: 2, params: { stake: 5 } }', '  member: { count: 1 }'),
    )
    expect(scenario.nodes).toEqual([
      { id: 'validator-0', role: 'validator', params: { stake: 5 } },
      { id: 'validator-1', role: 'validator', params: { stake: 5 } },
      { id: 'member-0', role: 'member', params: { protocolPeriod: 1_000_000, suspicionMult: 4 } },
    ])
  })

  it('sorts fault steps by time and keeps file order among steps at the same time', () => {
    const scenario = scenarioOf(
      lines(
        ...MINIMAL,
        'faults:',
        '  - { at: 5s, heal: true }',
        '  - { at: 1s, crash: member-0 }',
        '  - { at: 1s, crash: member-1 }',
        '  - { at: 500ms, pause: member-2 }',
      ),
    )
    expect(scenario.faults.map((f) => [f.at, f.line])).toEqual([
      [500_000, 10],
      [1_000_000, 8],
      [1_000_000, 9],
      [5_000_000, 7],
    ])
  })
})

describe('value schemas', () => {
  const decode = <A, I>(schema: Schema.Schema<A, I>, value: unknown) => Schema.decodeUnknownEither(schema)(value)

  it.each([
    ['250ms', 250_000],
    ['1.5s', 1_500_000],
    ['2m', 120_000_000],
    ['300us', 300],
    [20, 20_000],
  ])('Duration reads %j as %i µs', (input, micros) => {
    expect(decode(Duration, input)).toEqual(Either.right(micros))
  })

  it.each([
    ['+2s', 2_000_000],
    ['-500ms', -500_000],
    ['3s', 3_000_000],
    [-20, -20_000],
  ])('SignedDuration reads %j as %i µs', (input, micros) => {
    expect(decode(SignedDuration, input)).toEqual(Either.right(micros))
  })

  it.each([
    ['1Gbps', 125_000_000],
    ['100Mbps', 12_500_000],
    ['10MB/s', 10_000_000],
    ['512KiB/s', 512 * 1024],
    [4096, 4096],
  ])('Bandwidth reads %j as %i bytes/s', (input, rate) => {
    expect(decode(Bandwidth, input)).toEqual(Either.right(rate))
  })

  it.each([
    ['16MiB', 16 * 1024 * 1024],
    ['1MB', 1_000_000],
    [100, 100],
  ])('ByteSize reads %j as %i bytes', (input, bytes) => {
    expect(decode(ByteSize, input)).toEqual(Either.right(bytes))
  })

  it.each([
    [Duration, 'soon'],
    [Duration, -5],
    [Duration, '5 parsecs'],
    [SignedDuration, '+-2s'],
    [Bandwidth, '1Gb'],
    [Bandwidth, 0],
    [ByteSize, '16MiB/s'],
    [ByteSize, true],
  ] as const)('rejects %#', (schema, input) => {
    expect(Either.isLeft(decode(schema as Schema.Schema<number, unknown>, input))).toBe(true)
  })
})

describe('errors point at the spot and say what to do', () => {
  it('reads as one line: file:line:col: field: problem — hint', () => {
    const error = errorOf(lines(...MINIMAL, 'durration: 3s'))
    expect(error.message).toBe(`${FILE}:6:1: durration: unknown key — did you mean 'duration'?`)
  })

  it('a typo in a network key suggests the key meant', () => {
    const error = errorOf(lines(...MINIMAL, 'network:', '  loss: 0.1', '  latancy: { dist: constant, value: 1ms }'))
    expect(error).toMatchObject({ line: 8, column: 3, field: 'network.latancy', problem: 'unknown key' })
    expect(error.hint).toBe("did you mean 'latency'?")
  })

  it('a bad duration names the field and the value given', () => {
    const error = errorOf(lines('name: n', 'duration: soon', 'roles: { member: { count: 1 } }'))
    expect(error).toMatchObject({ line: 2, column: 1, field: 'duration' })
    expect(error.problem).toContain('expected a positive duration')
    expect(error.problem).toContain('"soon"')
  })

  it('an unknown role lists the known ones', () => {
    const error = errorOf(lines('name: n', 'duration: 1s', 'roles:', '  member: { count: 1 }', '  gateway: { count: 1 }'))
    expect(error).toMatchObject({ line: 5, column: 3, field: 'roles.gateway', problem: 'unknown role' })
    expect(error.hint).toBe('known roles: member, validator')
  })

  it('a role count must be a non-negative integer', () => {
    const error = errorOf(lines('name: n', 'duration: 1s', 'roles:', '  member:', '    count: abc'))
    expect(error).toMatchObject({ line: 5, column: 5, field: 'roles.member.count' })
    expect(error.problem).toContain('got "abc"')
  })

  it('a fault naming a node the scenario does not define says which nodes exist', () => {
    const error = errorOf(lines(...MINIMAL, 'faults:', '  - { at: 1s, crash: member-0 }', '  - { at: 2s, crash: member-9 }'))
    expect(error).toMatchObject({ line: 8, column: 15, field: 'faults[1].crash', problem: 'no node "member-9"' })
    expect(error.hint).toBe('this scenario defines member-0…member-4')
  })

  it('a link naming an unknown node is rejected too', () => {
    const error = errorOf(lines(...MINIMAL, 'network:', '  links:', "    - { from: member-7, to: '*', loss: 1 }"))
    expect(error).toMatchObject({ line: 8, field: 'network.links[0].from', problem: 'no node "member-7"' })
  })

  it('a bad parameter inside role params points at that parameter line', () => {
    const error = errorOf(
      lines('name: n', 'duration: 1s', 'roles:', '  member:', '    count: 3', '    params:', '      suspicionMult: 4', '      protocolPeriod: often'),
    )
    expect(error).toMatchObject({ line: 8, column: 7, field: 'roles.member.params.protocolPeriod' })
    expect(error.problem).toContain('expected a duration')
  })

  it('a missing required role parameter points at the role', () => {
    const error = errorOf(lines('name: n', 'duration: 1s', 'roles:', '  validator:', '    count: 3'))
    expect(error).toMatchObject({ line: 4, column: 3, field: 'roles.validator.params.stake', problem: 'is missing' })
  })

  it('a bad workload parameter points at that parameter', () => {
    const error = errorOf(lines(...MINIMAL, 'workloads:', '  - type: echo', '    rate: fast'))
    expect(error).toMatchObject({ line: 8, column: 5, field: 'workloads[0].rate' })
  })

  it('unknown workload and check types list the known ones', () => {
    const workload = errorOf(lines(...MINIMAL, 'workloads:', '  - { type: ecko, rate: 1 }'))
    expect(workload).toMatchObject({ line: 7, field: 'workloads[0].type' })
    expect(workload.hint).toBe("did you mean 'echo'? known workload types: echo")
    const check = errorOf(lines(...MINIMAL, 'checks:', '  - { type: safety }'))
    expect(check.hint).toBe('known check types: membership.crash-detected, membership.converged')
  })

  it('a YAML syntax error carries the yaml parser position', () => {
    const error = errorOf(lines('name: n', 'roles:', '  member: { count: 3', 'duration: 1s'))
    expect(error).toMatchObject({ line: 4, column: 1, field: '' })
    expect(error.message).toMatch(/^scenarios\/x\.yaml:4:1: /)
  })

  it('a missing duration is reported', () => {
    const error = errorOf(lines('name: n', 'roles: { member: { count: 1 } }'))
    expect(error).toMatchObject({ field: 'duration', problem: 'is missing', line: 1 })
  })

  it('a fault step with two actions points at the second one', () => {
    const error = errorOf(lines(...MINIMAL, 'faults:', '  - { at: 1s, crash: member-1, pause: member-2 }'))
    expect(error).toMatchObject({ line: 7, column: 32, field: 'faults[0].pause' })
    expect(error.problem).toContain("two actions, 'crash' and 'pause'")
  })

  it('a fault step with no action lists the actions', () => {
    const error = errorOf(lines(...MINIMAL, 'faults:', '  - { at: 1s }'))
    expect(error).toMatchObject({ line: 7, column: 5, field: 'faults[0]' })
    expect(error.problem).toContain('crash, restart, pause')
  })

  it('`for` is refused on actions the simulator cannot undo', () => {
    const error = errorOf(lines(...MINIMAL, 'faults:', '  - { at: 1s, restart: member-1, for: 2s }'))
    expect(error).toMatchObject({ field: 'faults[0].for', line: 7 })
  })

  it('uniform latency needs min ≤ max', () => {
    const error = errorOf(lines(...MINIMAL, 'network:', '  latency: { dist: uniform, min: 5ms, max: 1ms }'))
    expect(error).toMatchObject({ field: 'network.latency.max', line: 7, problem: 'max 1ms is below min 5ms' })
  })

  it('an unknown latency distribution suggests the one meant', () => {
    const error = errorOf(lines(...MINIMAL, 'network:', '  latency: { dist: unifrom, min: 1ms, max: 5ms }'))
    expect(error).toMatchObject({ field: 'network.latency.dist' })
    expect(error.hint).toBe("did you mean 'uniform'?")
  })

  it('reports the first error in document order, not in schema order', () => {
    const error = errorOf(lines('duration: 1s', 'roles: { member: { count: 1 } }', 'seed: -1', 'name: 7'))
    expect(error).toMatchObject({ field: 'seed', line: 3 })
  })

  it('an empty file is not a scenario', () => {
    expect(errorOf('')).toMatchObject({ line: 1, column: 1, field: '' })
  })

  it('a missing file is a ScenarioError naming the file', () => {
    const result = loadScenario('test/fixtures/scenarios/no-such.yaml', vocabulary)
    if (Either.isRight(result)) throw new Error('a missing file was accepted')
    expect(result.left._tag).toBe('ScenarioError')
    expect(result.left.message).toMatch(/^test\/fixtures\/scenarios\/no-such\.yaml: no such file/)
  })
})

// ---------------------------------------------------------------------------------------
// Properties over generated scenarios
// ---------------------------------------------------------------------------------------

const ms = (n: number) => `${n}ms`

/** A valid scenario as the plain data a user would write, with faults naming its own nodes. */
const validScenario = fc
  .record({ members: fc.integer({ min: 1, max: 30 }), validators: fc.integer({ min: 0, max: 5 }), seconds: fc.integer({ min: 1, max: 600 }) })
  .chain(({ members, validators, seconds }) => {
    const ids = [
      ...Array.from({ length: members }, (_, i) => `member-${i}`),
      ...Array.from({ length: validators }, (_, i) => `validator-${i}`),
    ]
    const node = fc.constantFrom(...ids)
    const at = fc.integer({ min: 0, max: seconds * 1000 }).map(ms)
    const action = fc.oneof(
      fc.record({ kind: fc.constantFrom('crash', 'pause'), node, for: fc.option(fc.integer({ min: 1, max: 9999 }).map(ms), { nil: undefined }) }).map(
        ({ kind, node, for: span }) => ({ [kind]: node, ...(span === undefined ? {} : { for: span }) }),
      ),
      fc.record({ kind: fc.constantFrom('restart', 'resume'), node }).map(({ kind, node }) => ({ [kind]: node })),
      node.map((id) => ({ partition: { isolate: id } })),
      ...(ids.length >= 2
        ? [fc.integer({ min: 2, max: ids.length }).map((parts) => ({ partition: { split: parts }, oneWay: true }))]
        : []),
      fc.shuffledSubarray(ids, { minLength: 1 }).map((chosen) => ({ partition: { groups: [chosen] } })),
      fc.constant({ heal: true }),
      fc.record({ node, drift: fc.double({ min: -0.5, max: 0.5, noNaN: true }), jump: fc.integer({ min: -5000, max: 5000 }).map((n) => `${n < 0 ? '-' : '+'}${Math.abs(n)}ms`) }).map((clock) => ({ clock })),
      fc.record({ node, corruptReads: fc.double({ min: 0, max: 1, noNaN: true }) }).map((storage) => ({ storage })),
      fc.double({ min: 0, max: 1, noNaN: true }).map((loss) => ({ network: { loss }, for: '1s' })),
    )
    return fc.record({
      name: fc.constant('generated'),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      duration: fc.constant(`${seconds}s`),
      network: fc.record({ loss: fc.double({ min: 0, max: 1, noNaN: true }), bandwidth: fc.constantFrom('1Gbps', '100Mbps', '10MB/s') }),
      roles: fc.constant({
        member: { count: members, params: { protocolPeriod: '200ms' } },
        ...(validators > 0 ? { validator: { count: validators, params: { stake: 3 } } } : {}),
      }),
      workloads: fc.constant([{ type: 'echo', rate: 5 }]),
      faults: fc.array(fc.tuple(at, action).map(([when, step]) => ({ at: when, ...step })), { maxLength: 15 }),
      checks: fc.constant([{ type: 'membership.converged' }]),
    })
  })

const nodesNamed = (action: FaultAction): string[] => {
  switch (action.type) {
    case 'partition':
      return action.partition.shape === 'isolate'
        ? [action.partition.node]
        : action.partition.shape === 'groups'
          ? action.partition.groups.flat()
          : []
    case 'heal':
    case 'network':
      return []
    default:
      return [action.node]
  }
}

/** Every path to a value inside `value`, parents before children. */
const pathsIn = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  if (value === null || typeof value !== 'object') return []
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return entries.flatMap(([key, inner]) => [[...prefix, key], ...pathsIn(inner, [...prefix, key])])
}

const replaced = (value: unknown, path: readonly (string | number)[], garbage: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return garbage
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, garbage) : v))
  const record = value as Record<string, unknown>
  return { ...record, [head]: replaced(record[head], rest, garbage) }
}

const lineCount = (text: string) => text.split('\n').length

describe('generated scenarios', () => {
  it('valid ones parse, and every node a fault names exists', () => {
    fc.assert(
      fc.property(validScenario, (data) => {
        const scenario = scenarioOf(stringify(data))
        const ids = new Set(scenario.nodes.map((n) => n.id))
        expect(scenario.faults).toHaveLength(data.faults.length)
        for (const step of scenario.faults) for (const id of nodesNamed(step.action)) expect(ids.has(id)).toBe(true)
        expect(scenario.faults.map((f) => f.at)).toEqual([...scenario.faults.map((f) => f.at)].sort((a, b) => a - b))
      }),
      { numRuns: 200 },
    )
  })

  it('with one value replaced by a mapping no field accepts, they fail with a line inside the file', () => {
    const withGarbage = validScenario.chain((data) =>
      fc.tuple(fc.constant(data), fc.constantFrom(...pathsIn(data)), fc.jsonValue().map((inner) => ({ 'zz-garbage': inner }))),
    )
    fc.assert(
      fc.property(withGarbage, ([data, path, garbage]) => {
        const text = stringify(replaced(data, path, garbage))
        const error = errorOf(text)
        expect(error.line).toBeGreaterThanOrEqual(1)
        expect(error.line).toBeLessThanOrEqual(lineCount(text))
      }),
      { numRuns: 300 },
    )
  })

  it('with any value or any line replaced, parsing never throws and errors stay inside the file', () => {
    const withValue = validScenario.chain((data) =>
      fc.tuple(fc.constant(data), fc.constantFrom(...pathsIn(data)), fc.anything({ withNullPrototype: true })),
    )
    fc.assert(
      fc.property(withValue, ([data, path, garbage]) => {
        const text = stringify(replaced(data, path, garbage))
        const result = parse(text)
        if (Either.isLeft(result)) expect(result.left.line).toBeLessThanOrEqual(lineCount(text))
      }),
      { numRuns: 300 },
    )
    const withLine = validScenario.chain((data) => {
      const text = stringify(data).split('\n')
      return fc.tuple(fc.constant(text), fc.nat({ max: text.length - 1 }), fc.string({ unit: 'binary' }))
    })
    fc.assert(
      fc.property(withLine, ([rows, index, garbage]) => {
        const text = rows.map((row, i) => (i === index ? garbage : row)).join('\n')
        const result = parse(text)
        if (Either.isLeft(result)) {
          expect(result.left.line).toBeGreaterThanOrEqual(1)
          expect(result.left.line).toBeLessThanOrEqual(lineCount(text))
        }
      }),
      { numRuns: 300 },
    )
  })
})
