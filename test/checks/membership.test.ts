import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { check, runYaml } from '../support/scenarioRun.ts'
import { assertNetworks } from '../support/propertySample.ts'

const members = (n: number) => `roles:\n  member: { count: ${n} }`

describe('membership under the simulator', () => {
  it('with latency below the timeout and no loss, no live member is ever suspected', () =>
    assertNetworks(
      fc.tuple(fc.integer({ min: 2, max: 24 }), fc.integer({ min: 0, max: 49 }), fc.integer({ min: 0, max: 50 }), fc.nat()),
      ([n, min, spread, seed]) => {
        // Default pingTimeout is 200 ms: one-way latency stays below 100 ms.
        const { report } = runYaml(
          ['name: quiet', 'duration: 60s', `network:\n  latency: { dist: uniform, min: ${min}ms, max: ${min + spread}ms }`, members(n), 'checks:', '  - { type: membership.no-false-suspicion }', '  - { type: membership.converged, within: 1s }'].join('\n'),
          { seed },
        )
        expect(check(report, 'membership.no-false-suspicion').passed).toBe(true)
        expect(check(report, 'membership.converged').passed).toBe(true)
      },
      12,
    ))

  it('a crashed member is suspected by every live member within the protocol\'s bound', () =>
    assertNetworks(
      fc.tuple(fc.integer({ min: 3, max: 30 }), fc.nat(), fc.integer({ min: 1, max: 20 }), fc.nat()),
      ([n, victim, crashAt, seed]) => {
        const { report } = runYaml(
          [
            'name: crash',
            'duration: 120s',
            'network:\n  latency: { dist: uniform, min: 1ms, max: 10ms }',
            members(n),
            `faults:\n  - { at: ${crashAt}s, crash: member-${victim % n} }`,
            'checks:',
            '  - { type: membership.crash-detected }',
            '  - { type: membership.converged, within: 60s }',
          ].join('\n'),
          { seed },
        )
        const detected = check(report, 'membership.crash-detected')
        expect(detected.passed, detected.summary).toBe(true)
        expect(detected.summary).toContain('crashed at')
        expect(check(report, 'membership.converged').passed).toBe(true)
      },
      10,
    ))

  it('after a partition heals, views converge', () =>
    assertNetworks(
      fc.tuple(fc.integer({ min: 4, max: 20 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), fc.nat()),
      ([n, parts, lasting, oneWay, seed]) => {
        const { report } = runYaml(
          [
            'name: partition',
            'duration: 100s',
            'network:\n  latency: { dist: uniform, min: 1ms, max: 10ms }',
            members(n),
            `faults:\n  - { at: 5s, partition: { split: ${parts} }, oneWay: ${oneWay}, for: ${lasting}s }`,
            'checks:',
            '  - { type: membership.converged, within: 40s }',
          ].join('\n'),
          { seed },
        )
        const converged = check(report, 'membership.converged')
        expect(converged.passed, converged.summary).toBe(true)
      },
      10,
    ))

  it('the checks can fail: a round trip longer than the protocol period is caught as false suspicion, and an impossible bound as late detection', () => {
    const { report } = runYaml(
      [
        'name: too-slow',
        'duration: 30s',
        'network:\n  latency: { dist: constant, value: 600ms }',
        members(5),
        'faults:\n  - { at: 25s, crash: member-0 }',
        'checks:',
        '  - { type: membership.no-false-suspicion }',
        '  - { type: membership.crash-detected, within: 1ms }',
      ].join('\n'),
    )
    expect(check(report, 'membership.no-false-suspicion').passed).toBe(false)
    expect(check(report, 'membership.crash-detected').passed).toBe(false)
    expect(report.passed).toBe(false)
  })
})
