import { Schema } from 'effect'
import { describe, expect, test } from 'vitest'
import { SlashNoticeSchema, slashNoticeQuorum } from '../../../src/protocols/staking/index.ts'
import { key } from './fixtures.ts'

describe('slash notices', () => {
  const notice = (fractionPpm: string) => ({ height: 7, pubKey: key(1), reason: 'downtime', fractionPpm })

  test('carry a fraction of at most the whole stake', () => {
    expect([notice('10000'), notice('1000000'), notice('1000001'), notice('-1'), notice('0.5')].map(Schema.is(SlashNoticeSchema))).toEqual([true, true, false, false, false])
  })

  test('are believed once more than a third of the validator nodes sent them', () => {
    expect([1, 2, 3, 4, 6, 7, 100].map(slashNoticeQuorum)).toEqual([1, 1, 2, 2, 3, 3, 34])
  })
})
