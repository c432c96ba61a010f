import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { noticeBelieved, SlashNoticeSchema } from '../../../src/protocols/staking/index.ts'
import { key } from './fixtures.ts'

describe('slash notices', () => {
  const notice = (fractionPpm: string) => ({ height: 7, pubKey: key(1), reason: 'downtime', fractionPpm })

  test('carry a fraction of at most the whole stake', () => {
    expect([notice('10000'), notice('1000000'), notice('1000001'), notice('-1'), notice('0.5')].map(Schema.is(SlashNoticeSchema))).toEqual([true, true, false, false, false])
  })

  test('are believed once validators of more than a third of the voting power sent them, however few or many', () => {
    const powers = new Map([
      [key(1), 1n],
      [key(2), 1n],
      [key(3), 1n],
      [key(4), 10n],
      [key(5), 10n],
    ])
    // 3 of 23: three nodes of five, far below a third of the power.
    expect(noticeBelieved([key(1), key(2), key(3)], powers)).toBe(false)
    // 10 of 23 is more than a third: one node of five.
    expect(noticeBelieved([key(4)], powers)).toBe(true)
    // Exactly a third is not more than a third; a sender twice over counts once.
    const equal = new Map([
      [key(1), 1n],
      [key(2), 1n],
      [key(3), 1n],
    ])
    expect(noticeBelieved([key(1), key(1)], equal)).toBe(false)
    expect(noticeBelieved([key(1), key(2)], equal)).toBe(true)
    // A sender the view gives no power adds nothing.
    expect(noticeBelieved([key(9)], equal)).toBe(false)
  })
})
