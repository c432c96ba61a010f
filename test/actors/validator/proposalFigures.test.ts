import { describe, expect, it } from 'vitest'
import { validatorActor } from '../../../src/actors/validator/validatorActor.ts'
import { runValidators, validatorNames, validatorParams } from './validatorSim.ts'

const SECOND = 1_000_000

/** Four validators for 10 s, `byzantine` as the validator param; a proposer re-gossips its proposal every second until it commits. */
const figuresOf = (byzantine: Record<string, unknown>) => {
  const def = validatorActor(validatorParams({ timeouts: { commit: '100ms' }, byzantine }))
  const run = runValidators([def, def, def, def], { duration: 10 * SECOND })
  return Object.fromEntries(validatorNames(4).map((name) => [name, run.figures(name)]))
}

describe("a validator's proposal figures", () => {
  it('count no proposal invalid when the network is slow: a late copy of one for a committed height is not judged', () => {
    // Everything validator-3 sends arrives 300 ms late, its re-gossiped proposals too.
    const figures = figuresOf({ 'validator-3': { delay: '300ms' } })
    for (const name of validatorNames(3)) {
      expect(figures[name]!['proposals'], name).toBeGreaterThan(0)
      expect(figures[name]!['invalidProposals'], name).toBe(0)
    }
  })

  it('count the invalid proposals of a validator that makes them', () => {
    const figures = figuresOf({ 'validator-3': 'invalid-proposals' })
    for (const name of validatorNames(3)) expect(figures[name]!['invalidProposals'], name).toBeGreaterThan(0)
  })
})
