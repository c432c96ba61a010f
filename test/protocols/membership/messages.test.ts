import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { membershipKinds } from '../../../src/protocols/membership/index.ts'

const accepts = (kind: string, body: unknown) => Schema.is(membershipKinds[kind]!)(body)

describe('membership message kinds', () => {
  test('are ping, ack and ping-req, all prefixed "membership."', () => {
    expect(Object.keys(membershipKinds).sort()).toEqual(['membership.ack', 'membership.ping', 'membership.ping-req'])
  })

  test('accept well-formed bodies', () => {
    const updates = [{ member: 'n1', status: 'suspect', incarnation: 2 }]
    expect(accepts('membership.ping', { seq: 0, incarnation: 0, updates })).toBe(true)
    expect(accepts('membership.ack', { seq: 3, incarnation: 1, updates: [] })).toBe(true)
    expect(accepts('membership.ping-req', { seq: 3, incarnation: 1, target: 'n2', updates })).toBe(true)
  })

  test('reject malformed ones', () => {
    expect(accepts('membership.ping', { seq: -1, incarnation: 0, updates: [] })).toBe(false)
    expect(accepts('membership.ping', { seq: 0, incarnation: 0.5, updates: [] })).toBe(false)
    expect(accepts('membership.ping', { seq: 0, incarnation: 0, updates: [{ member: 'n1', status: 'zombie', incarnation: 0 }] })).toBe(false)
    expect(accepts('membership.ping-req', { seq: 0, incarnation: 0, updates: [] })).toBe(false) // no target
    const flood = Array.from({ length: 65 }, (_, i) => ({ member: `n${i}`, status: 'alive', incarnation: 0 }))
    expect(accepts('membership.ack', { seq: 0, incarnation: 0, updates: flood })).toBe(false)
  })
})
