import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { check, runYaml } from '../support/scenarioRun.ts'
import { assertNetworks } from '../support/propertySample.ts'

const behaviours = ['equivocate', 'silent', 'invalid-proposals', 'split-proposals', '{ delay: 300ms }'] as const

/** Timeouts short enough for tens of heights in a 45-second run, with faults in it. */
const TIMEOUTS = '{ commit: 200ms, propose: 1s, prevote: 500ms, precommit: 500ms }'

/**
 * A 45-second validator network under 50 tx/s: validator-i has `powers[i]`, `byzantine`
 * names one misbehaving validator, `stakes` and `faults` are YAML list items (the stake
 * aggregator's script, the fault schedule), `checks` what goes into each check's
 * `{ type: … }`.
 */
const validatorNetwork = (n: {
  readonly name: string
  readonly powers: readonly number[]
  readonly byzantine?: { readonly index: number; readonly behaviour: string } | undefined
  readonly loss?: number
  readonly stakes?: readonly string[]
  readonly faults?: readonly string[]
  readonly checks: readonly string[]
}): string =>
  [
    `name: ${n.name}`,
    'duration: 45s',
    `network:\n  latency: { dist: uniform, min: 1ms, max: 20ms }${n.loss === undefined ? '' : `\n  loss: ${n.loss}`}`,
    'roles:',
    '  validator:',
    `    count: ${n.powers.length}`,
    '    params:',
    `      timeouts: ${TIMEOUTS}`,
    `      powers: { ${n.powers.map((p, i) => `validator-${i}: ${p}`).join(', ')} }`,
    ...(n.byzantine === undefined ? [] : [`      byzantine: { validator-${n.byzantine.index}: ${n.byzantine.behaviour} }`]),
    ...(n.stakes !== undefined && n.stakes.length > 0 ? ['  stake-aggregator:', '    count: 1', '    params:', '      script:', ...n.stakes.map((s) => `        - ${s}`)] : []),
    'workloads:\n  - { type: tx-load, rate: 50 }',
    ...(n.faults !== undefined && n.faults.length > 0 ? ['faults:', ...n.faults.map((f) => `  - ${f}`)] : []),
    'checks:',
    ...n.checks.map((type) => `  - { type: ${type} }`),
  ].join('\n')

/** Runs `yaml` on `seed` and expects every one of its checks to pass. */
const expectChecksPass = (yaml: string, seed: number): void => {
  const { report } = runYaml(yaml, { seed })
  for (const c of report.checks) expect(c.passed, `${c.type}: ${c.summary}\n${yaml}`).toBe(true)
}

/**
 * A validator network with unequal powers, byzantine power below one third, up to two
 * faults that heal (they may overlap), and stake the aggregator adds to honest validators
 * while it runs (so that powers change under faults, and byzantine power stays below a
 * third) — perhaps to a node outside the genesis set (power 0), which then joins the set.
 * Message loss is one of the faults, over after a while: the liveness bound holds once
 * faults are over, and under loss that never ends Tendermint promises progress only
 * eventually (a soak found a 27-second stall under 10% loss kept for the whole run).
 */
const networkArb = fc
  .record({
    genesisPowers: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 4, maxLength: 7 }),
    joiner: fc.boolean(),
    behaviour: fc.constantFrom(...behaviours),
    faults: fc.array(
      fc.record({
        kind: fc.constantFrom('partition', 'isolate', 'crash', 'drift', 'loss'),
        at: fc.integer({ min: 2, max: 10 }),
        for: fc.integer({ min: 1, max: 8 }),
        victim: fc.nat(),
        loss: fc.constantFrom(0.02, 0.1),
      }),
      { maxLength: 2 },
    ),
    stakes: fc.array(fc.record({ at: fc.integer({ min: 3, max: 30 }), to: fc.nat(), power: fc.integer({ min: 1, max: 40 }) }), { maxLength: 3 }),
  })
  .map((s) => {
    const total = s.genesisPowers.reduce((a, b) => a + b, 0)
    // The byzantine validator: the heaviest genesis one whose power stays below a third.
    const byzantine = s.genesisPowers.map((p, i) => [p, i] as const).filter(([p]) => 3 * p < total).sort((a, b) => b[0] - a[0])[0]?.[1]
    const powers = s.joiner ? [...s.genesisPowers, 0] : s.genesisPowers
    const ids = powers.map((_, i) => `validator-${i}`)
    const faults = s.faults.map((f) => {
      const victim = ids[f.victim % ids.length]!
      const steps: Record<typeof f.kind, string> = {
        partition: `{ at: ${f.at}s, partition: { split: 2 }, for: ${f.for}s }`,
        isolate: `{ at: ${f.at}s, partition: { isolate: ${victim} }, for: ${f.for}s }`,
        crash: `{ at: ${f.at}s, crash: ${victim}, for: ${f.for}s }`,
        drift: `{ at: ${f.at}s, clock: { node: ${victim}, drift: 0.05 } }`,
        loss: `{ at: ${f.at}s, network: { loss: ${f.loss} }, for: ${f.for}s }`,
      }
      return steps[f.kind]!
    })
    const honest = ids.filter((_, i) => i !== byzantine)
    return validatorNetwork({
      name: 'generated',
      powers,
      byzantine: byzantine === undefined ? undefined : { index: byzantine, behaviour: s.behaviour },
      // A joiner gets the first stake, so that it does join.
      stakes: s.stakes.map((st, i) => `{ at: ${st.at}s, operator: ${s.joiner && i === 0 ? ids.at(-1) : honest[st.to % honest.length]}, nativeDelta: ${st.power * 1_000_000} }`),
      faults,
      checks: [
        'consensus.agreement',
        'consensus.validity',
        'consensus.no-double-sign',
        'consensus.liveness, within: 20s',
        'consensus.equivocation-punished',
        'consensus.power-at-h-plus-2',
      ],
    })
  })

describe('Tendermint under the simulator', () => {
  it('with byzantine power below one third: agreement, validity, no honest double-sign, liveness once faults heal, equivocation punished, power changes at H+2', () =>
    assertNetworks(
      fc.tuple(networkArb, fc.nat()),
      ([yaml, seed]) => expectChecksPass(yaml, seed),
      10,
    ))

  // Found by the property above, when a validator restarted into a round it had signed in
  // had its guard refuse every message of that round, and nobody could go on without it:
  // the signed log now answers what it signed there, and it goes on from there.
  it.each([
    ['holding more than two thirds alone', [43, 12, 1, 1], 0, '2s', '1s', 0],
    ['whose forgotten prevote made the polka the others are locked on', [48, 29, 12, 45], 0.1, '2s', '6s', 343600363],
  ])('a validator %s resumes after a crash mid-round, and the chain with it', (_what, powers, loss, at, down, seed) =>
    expectChecksPass(
      validatorNetwork({
        name: 'restart-mid-round',
        powers,
        byzantine: { index: 1, behaviour: 'invalid-proposals' },
        loss,
        faults: [`{ at: ${at}, crash: validator-0, for: ${down} }`],
        checks: ['consensus.no-double-sign', 'consensus.liveness, within: 20s'],
      }),
      seed,
    ),
  )

  // Found by the property above: a validator restarted in the round after the last one it
  // had signed in, while the others, who needed its precommit of that round (a silent
  // validator holds a quarter of the power), stayed there: with a tenth of the power, its
  // messages could not make them skip a round. The chain stalled for good.
  it('a validator the others need, too light to make them skip a round, resumes in its round after a crash, and the chain with it', () =>
    expectChecksPass(
      validatorNetwork({
        name: 'resume-in-round',
        powers: [2, 9, 5, 2, 1, 1],
        byzantine: { index: 2, behaviour: 'silent' },
        faults: ['{ at: 4s, crash: validator-0, for: 1s }'],
        checks: ['consensus.no-double-sign', 'consensus.liveness, within: 20s'],
      }),
      0,
    ))

  // Found by the property above: a validator with more than a third of the power crashed
  // just after committing a block that only it had the precommits for (an equivocator
  // showed them to it alone); it had not made the block durable, and after the restart it
  // and the equivocator committed another block at that height. Two guards now keep this
  // case safe, each alone: the block is durable once committed (blockStore.test.ts), and
  // the validator resumes locked on the block it precommitted (lock.ts).
  it('a validator that crashes right after committing keeps the block it committed', () =>
    expectChecksPass(
      validatorNetwork({
        name: 'crash-after-commit',
        powers: [6, 16, 1, 26],
        byzantine: { index: 1, behaviour: 'equivocate' },
        faults: ['{ at: 2s, crash: validator-3, for: 1s }'],
        checks: ['consensus.agreement', 'consensus.liveness, within: 20s'],
      }),
      0,
    ))

  it('with one third or more byzantine power, the agreement checker does find the fork', () => {
    const yaml = [
      'name: fork',
      'duration: 30s',
      'network:\n  latency: { dist: uniform, min: 1ms, max: 5ms }',
      'roles:\n  validator:\n    count: 4\n    params:\n      timeouts: { commit: 100ms }\n      byzantine: { validator-0: fork, validator-1: fork }',
      'checks:\n  - { type: consensus.agreement }',
    ].join('\n')
    const { report } = runYaml(yaml)
    const agreement = check(report, 'consensus.agreement')
    expect(agreement.passed).toBe(false)
    expect(agreement.summary).toMatch(/height \d+: validator-\d committed \w+ but validator-\d committed \w+/)
  })
})
