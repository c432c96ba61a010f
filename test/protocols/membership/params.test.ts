import { Either, Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import {
  crashConfirmationBound,
  crashDetectionBound,
  defaultMembershipParams,
  MembershipParamsSchema,
  membershipParamsFrom,
} from '../../../src/protocols/membership/index.ts'

const decode = Schema.decodeUnknownEither(MembershipParamsSchema)

describe('membership params', () => {
  test('defaults: 1 s period, 200 ms ping timeout, k = 3, suspect for 5 periods, dead probe every 5, λ = 3, 6 updates per message', () => {
    expect(defaultMembershipParams).toEqual({
      protocolPeriod: 1_000_000,
      pingTimeout: 200_000,
      indirectProbes: 3,
      suspicionTimeout: 5,
      deadProbeEvery: 5,
      disseminationFactor: 3,
      maxPiggyback: 6,
    })
  })

  test('the schema fills defaults and reads durations as text or milliseconds, into µs', () => {
    expect(decode({})).toEqual(Either.right(defaultMembershipParams))
    expect(decode({ protocolPeriod: '2s', pingTimeout: 250, indirectProbes: 2 })).toEqual(
      Either.right({ ...defaultMembershipParams, protocolPeriod: 2_000_000, pingTimeout: 250_000, indirectProbes: 2 }),
    )
    expect(decode({ protocolPeriod: '1.5s', pingTimeout: '300ms' })).toEqual(Either.right({ ...defaultMembershipParams, protocolPeriod: 1_500_000, pingTimeout: 300_000 }))
    expect(decode({ pingTimeout: '150000us' })).toEqual(Either.right({ ...defaultMembershipParams, pingTimeout: 150_000 }))
  })

  test('the schema rejects unreadable durations and timings where an indirect probe cannot fit', () => {
    expect(Either.isLeft(decode({ pingTimeout: 'soon' }))).toBe(true)
    expect(Either.isLeft(decode({ indirectProbes: -1 }))).toBe(true)
    const tooTight = decode({ protocolPeriod: '500ms', pingTimeout: '200ms' })
    expect(Either.isLeft(tooTight)).toBe(true)
    if (Either.isLeft(tooTight)) expect(String(tooTight.left)).toMatch(/3 × pingTimeout/)
  })

  test('membershipParamsFrom applies defaults to µs numbers and refuses unusable sets', () => {
    expect(membershipParamsFrom()).toEqual(defaultMembershipParams)
    expect(membershipParamsFrom({ protocolPeriod: 3_000_000 })).toEqual({ ...defaultMembershipParams, protocolPeriod: 3_000_000 })
    expect(() => membershipParamsFrom({ pingTimeout: 400_000 })).toThrow(/pingTimeout/)
    expect(() => membershipParamsFrom({ maxPiggyback: 0 })).toThrow(/maxPiggyback/)
  })
})

describe('detection bounds', () => {
  test('a crash is suspected everywhere within 2·(n − 1) periods', () => {
    expect(crashDetectionBound(defaultMembershipParams, 50)).toBe(98_000_000)
    expect(crashDetectionBound({ ...defaultMembershipParams, protocolPeriod: 500_000 }, 5)).toBe(4_000_000)
  })

  test('and declared dead everywhere suspicionTimeout periods later', () => {
    expect(crashConfirmationBound(defaultMembershipParams, 50)).toBe(103_000_000)
  })
})
