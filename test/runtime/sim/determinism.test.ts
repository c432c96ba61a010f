import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runYaml } from '../../support/scenarioRun.ts'
import { PROPERTY_SEED } from '../../support/propertySample.ts'

/** Random scenarios: sizes, network knobs and a fault schedule, all as YAML. */
const scenarioArb = fc
  .record({
    members: fc.integer({ min: 2, max: 10 }),
    minLatency: fc.integer({ min: 0, max: 20 }),
    spread: fc.integer({ min: 0, max: 50 }),
    loss: fc.double({ min: 0, max: 0.2, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.1, noNaN: true }),
    reorder: fc.double({ min: 0, max: 0.3, noNaN: true }),
    seconds: fc.integer({ min: 3, max: 12 }),
    faults: fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 3000 }),
        kind: fc.constantFrom('crash', 'pause', 'isolate', 'split', 'drift', 'jump', 'loss'),
        node: fc.nat(),
        for: fc.integer({ min: 1, max: 2000 }),
      }),
      { maxLength: 5 },
    ),
  })
  .map((s) => {
    const node = (i: number) => `member-${i % s.members}`
    const faults = s.faults.map((f) => {
      switch (f.kind) {
        case 'crash':
          return `  - { at: ${f.at}ms, crash: ${node(f.node)}, for: ${f.for}ms }`
        case 'pause':
          return `  - { at: ${f.at}ms, pause: ${node(f.node)}, for: ${f.for}ms }`
        case 'isolate':
          return `  - { at: ${f.at}ms, partition: { isolate: ${node(f.node)} }, for: ${f.for}ms }`
        case 'split':
          return `  - { at: ${f.at}ms, partition: { split: 2 }, oneWay: ${f.node % 2 === 0}, for: ${f.for}ms }`
        case 'drift':
          return `  - { at: ${f.at}ms, clock: { node: ${node(f.node)}, drift: 0.01 } }`
        case 'jump':
          return `  - { at: ${f.at}ms, clock: { node: ${node(f.node)}, jump: -${f.for}ms } }`
        case 'loss':
          return `  - { at: ${f.at}ms, network: { loss: 0.5 }, for: ${f.for}ms }`
      }
    })
    return [
      'name: generated',
      `duration: ${s.seconds}s`,
      'network:',
      `  latency: { dist: uniform, min: ${s.minLatency}ms, max: ${s.minLatency + s.spread}ms }`,
      `  loss: ${s.loss}`,
      `  duplicate: ${s.duplicate}`,
      `  reorder: { probability: ${s.reorder}, delay: 30ms }`,
      'roles:',
      `  member: { count: ${s.members} }`,
      'workloads:',
      '  - { type: echo, rate: 20, timeout: 300ms }',
      ...(faults.length > 0 ? ['faults:', ...faults] : []),
    ].join('\n')
  })

describe('determinism', () => {
  it('the same scenario and seed give the same trace, event for event', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (yaml, seed) => {
        const a = runYaml(yaml, { seed, keepEvents: true })
        const b = runYaml(yaml, { seed, keepEvents: true })
        expect(b.hash).toBe(a.hash)
        expect(b.recorder.events()).toEqual(a.recorder.events())
      }),
      { numRuns: 15, seed: PROPERTY_SEED },
    )
  })

  it('different seeds almost always give different traces', () => {
    fc.assert(
      fc.property(scenarioArb, (yaml) => {
        const hashes = new Set([1, 2, 3, 4, 5].map((seed) => runYaml(yaml, { seed }).hash))
        expect(hashes.size).toBe(5)
      }),
      { numRuns: 8, seed: PROPERTY_SEED },
    )
  })
})
