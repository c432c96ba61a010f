import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { checkSign, INITIAL_SIGN_STATE, type LastSignState, type SignStep } from '../../../src/protocols/tendermint/privval.ts'

const STEPS: SignStep[] = ['proposal', 'prevote', 'precommit']

describe('double-sign guard', () => {
  test('signs forward, re-signs the identical document, refuses conflicts and regressions', () => {
    const first = checkSign(INITIAL_SIGN_STATE, 5, 1, 'prevote', 'aa')
    expect(first).toEqual({ ok: true, again: false, next: { height: 5, round: 1, step: 'prevote', signBytesDigest: 'aa' } })
    const last = (first as { next: LastSignState }).next
    expect(checkSign(last, 5, 1, 'prevote', 'aa')).toEqual({ ok: true, again: true, next: last })
    expect(checkSign(last, 5, 1, 'prevote', 'bb')).toEqual({ ok: false, reason: 'conflicting-data' })
    expect(checkSign(last, 5, 1, 'proposal', 'cc')).toEqual({ ok: false, reason: 'step-regression' })
    expect(checkSign(last, 5, 0, 'precommit', 'cc')).toEqual({ ok: false, reason: 'round-regression' })
    expect(checkSign(last, 4, 9, 'precommit', 'cc')).toEqual({ ok: false, reason: 'height-regression' })
    expect(checkSign(last, 5, 1, 'precommit', 'cc').ok).toBe(true)
    expect(checkSign(last, 5, 2, 'proposal', 'cc').ok).toBe(true)
    expect(checkSign(last, 6, 0, 'proposal', 'cc').ok).toBe(true)
  })

  const attempt = fc.record({
    height: fc.integer({ min: 1, max: 4 }),
    round: fc.integer({ min: 0, max: 3 }),
    step: fc.constantFrom(...STEPS),
    digest: fc.constantFrom('d1', 'd2', 'd3'),
  })

  propertyTest.prop([fc.array(attempt, { maxLength: 60 })])(
    'over any sequence of requests: never two different documents at one (h, r, step), never backwards',
    (attempts) => {
      let state = INITIAL_SIGN_STATE
      const signed: Array<{ height: number; round: number; step: SignStep; digest: string }> = []
      for (const a of attempts) {
        const check = checkSign(state, a.height, a.round, a.step, a.digest)
        if (!check.ok) continue
        signed.push(a)
        state = check.next
      }
      const byPlace = new Map<string, string>()
      for (const s of signed) {
        const place = `${s.height}/${s.round}/${s.step}`
        expect(byPlace.get(place) ?? s.digest).toBe(s.digest)
        byPlace.set(place, s.digest)
      }
      const rank = (s: (typeof signed)[number]) => [s.height, s.round, STEPS.indexOf(s.step)]
      for (let i = 1; i < signed.length; i++) {
        const [p, c] = [rank(signed[i - 1]!), rank(signed[i]!)]
        const cmp = p[0]! - c[0]! || p[1]! - c[1]! || p[2]! - c[2]!
        expect(cmp).toBeLessThanOrEqual(0)
      }
    },
  )
})
