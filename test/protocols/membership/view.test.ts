import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { applyUpdate, initialView, supersedes, type MemberState, type MemberStatus, type MemberUpdate, type View } from '../../../src/protocols/membership/view.ts'

const SELF = 'n0'
const MEMBERS = ['n0', 'n1', 'n2', 'n3']

const status = fc.constantFrom<MemberStatus>('alive', 'suspect', 'dead')
const state = fc.record({ status, incarnation: fc.nat(6) })
const update = fc.record({ member: fc.constantFrom(...MEMBERS), status, incarnation: fc.nat(6) })
const othersUpdate = fc.record({ member: fc.constantFrom('n1', 'n2', 'n3'), status, incarnation: fc.nat(6) })

const applyAll = (updates: readonly MemberUpdate[], view: View = initialView(MEMBERS)): View =>
  updates.reduce((current, u) => applyUpdate(current, SELF, u).view, view)

/** The rules as stated by SWIM, written independently of `supersedes`. */
const swimRule = (next: MemberState, current: MemberState): boolean => {
  const i = next.incarnation
  const j = current.incarnation
  switch (next.status) {
    case 'alive':
      return i > j
    case 'suspect':
      return current.status === 'alive' ? i >= j : i > j
    case 'dead':
      return current.status === 'dead' ? i > j : i >= j
  }
}

describe('precedence', () => {
  test.prop([state, state])('matches the SWIM rules (alive beats anything older; suspect beats alive at ≥; dead beats all at ≥)', (next, current) => {
    expect(supersedes(next, current)).toBe(swimRule(next, current))
  })

  test.prop([state, state])('is a strict order: never both ways, and equal states never replace each other', (x, y) => {
    expect(supersedes(x, y) && supersedes(y, x)).toBe(false)
    expect(supersedes(x, x)).toBe(false)
  })

  test.prop([state, state, state])('is transitive', (x, y, z) => {
    if (supersedes(x, y) && supersedes(y, z)) expect(supersedes(x, z)).toBe(true)
  })
})

describe('applying news about other members', () => {
  test.prop([fc.array(othersUpdate, { maxLength: 20 }).chain((updates) => fc.tuple(fc.constant(updates), fc.shuffledSubarray(updates, { minLength: updates.length })))])(
    'is order-independent: any arrival order gives the same view',
    ([updates, permuted]) => {
      expect(applyAll(permuted)).toEqual(applyAll(updates))
    },
  )

  test.prop([fc.array(othersUpdate, { maxLength: 20 })])('is idempotent: hearing everything twice changes nothing', (updates) => {
    const once = applyAll(updates)
    expect(applyAll(updates, once)).toEqual(once)
  })

  test.prop([fc.array(othersUpdate, { maxLength: 20 })])('keeps, per member, the freshest of all news heard', (updates) => {
    const view = applyAll(updates)
    for (const member of ['n1', 'n2', 'n3']) {
      const freshest = updates
        .filter((u) => u.member === member)
        .reduce<MemberState>((best, u) => (supersedes(u, best) ? { status: u.status, incarnation: u.incarnation } : best), { status: 'alive', incarnation: 0 })
      expect(view[member]).toEqual(freshest)
    }
  })

  test.prop([othersUpdate])('reports a change exactly when the view changes', (u) => {
    const before = initialView(MEMBERS)
    const { view, outcome } = applyUpdate(before, SELF, u)
    expect(outcome.kind === 'changed').toBe(view !== before)
    if (outcome.kind === 'changed') expect(outcome).toEqual({ kind: 'changed', member: u.member, previous: before[u.member], next: { status: u.status, incarnation: u.incarnation } })
  })

  test('ignores news about a node outside the member list', () => {
    const before = initialView(MEMBERS)
    expect(applyUpdate(before, SELF, { member: 'stranger', status: 'dead', incarnation: 3 })).toEqual({ view: before, outcome: { kind: 'ignored' } })
  })
})

describe('news about self', () => {
  test.prop([fc.constantFrom<MemberStatus>('suspect', 'dead'), fc.nat(6), fc.nat(6)])(
    'a suspicion at an incarnation ≥ its own is refuted with a higher incarnation that beats it',
    (accused, own, heard) => {
      const view = { ...initialView(MEMBERS), [SELF]: { status: 'alive' as const, incarnation: own } }
      const { view: after, outcome } = applyUpdate(view, SELF, { member: SELF, status: accused, incarnation: heard })
      if (heard >= own) {
        expect(outcome).toEqual({ kind: 'refuted', incarnation: heard + 1 })
        expect(after[SELF]).toEqual({ status: 'alive', incarnation: heard + 1 })
        expect(supersedes(after[SELF]!, { status: accused, incarnation: heard })).toBe(true)
      } else {
        // Stale: its current incarnation already beats that claim.
        expect(outcome).toEqual({ kind: 'ignored' })
        expect(after).toBe(view)
      }
    },
  )

  test.prop([fc.array(update, { maxLength: 20 })])('self stays alive whatever it hears, and only its incarnation moves, upwards', (updates) => {
    let view = initialView(MEMBERS)
    for (const u of updates) {
      const before = view[SELF]!.incarnation
      view = applyUpdate(view, SELF, u).view
      expect(view[SELF]!.status).toBe('alive')
      expect(view[SELF]!.incarnation).toBeGreaterThanOrEqual(before)
    }
  })

  test.prop([fc.array(update, { maxLength: 20 }).chain((updates) => fc.tuple(fc.constant(updates), fc.shuffledSubarray(updates, { minLength: updates.length })))])(
    'the whole view, self included, is order-independent',
    ([updates, permuted]) => {
      expect(applyAll(permuted)).toEqual(applyAll(updates))
    },
  )

  test('adopts a higher incarnation it hears itself alive at (it restarted and forgot)', () => {
    const { view, outcome } = applyUpdate(initialView(MEMBERS), SELF, { member: SELF, status: 'alive', incarnation: 4 })
    expect(view[SELF]).toEqual({ status: 'alive', incarnation: 4 })
    expect(outcome.kind).toBe('changed')
  })
})
