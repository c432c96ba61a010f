import type { BlockInfo, VoteInfo } from '../chain/application.ts'
import { PPM } from './ratios.ts'
import { compareText } from './sortedMaps.ts'
import { slashValidator, type StakingEvent } from './slashValidator.ts'
import { freshSigningInfo, type SigningInfo, type StakingState, type ValidatorRecord } from './state.ts'

/**
 * x/slashing `HandleValidatorSignature`: every validator in the last commit gets one
 * signed/missed mark in its window. Missing more than
 * `window − round(window · minSignedPerWindow)` of the window (rounding half up) slashes
 * `slashFractionDowntime`, jails until `time + downtimeJailDuration` and clears the
 * window. The fault's height, which decides what unbonding is still slashable, is the
 * missed block's (height − 1). Unlike Cosmos there is no grace period of one window for
 * new validators: the threshold itself needs that many marks.
 * A jailed validator still gets marks (it stays in the set two more heights) but is not
 * punished again.
 */
export const punishDowntime = (state: StakingState, info: BlockInfo): { state: StakingState; events: StakingEvent[] } => {
  const { signedBlocksWindow: window, minSignedPerWindow, slashFractionDowntime, downtimeJailDuration } = state.params
  const maxMissed = window - Number((BigInt(window) * minSignedPerWindow + PPM / 2n) / PPM)
  const events: StakingEvent[] = []
  let current = state
  // Every validator gets a mark each block: the marks go into one copy of the validators
  // map (a copy per mark made a block cost O(n²) in the size of the set).
  let validators: Map<string, ValidatorRecord> | undefined
  const seen = new Set<string>()
  for (const vote of [...info.lastCommit].sort(byValidator)) {
    const record = (validators ?? current.validators).get(vote.pubKey)
    if (record === undefined || seen.has(vote.pubKey)) continue
    seen.add(vote.pubKey)
    validators ??= new Map(current.validators)
    const signing = markSignature(record.signing, !vote.signed, window)
    if (signing.missedCount <= maxMissed || record.jailedUntil !== null) {
      validators.set(vote.pubKey, { ...record, signing })
      continue
    }
    const slashed = slashValidator({ ...current, validators }, {
      pubKey: vote.pubKey,
      reason: 'downtime',
      fraction: slashFractionDowntime,
      infractionHeight: info.height - 1,
      height: info.height,
    })
    const after = slashed.state.validators.get(vote.pubKey) ?? record
    const until = info.time + downtimeJailDuration
    current = slashed.state
    validators = new Map(slashed.state.validators).set(vote.pubKey, { ...after, jailedUntil: until, signing: freshSigningInfo })
    events.push(...slashed.events, { event: 'staking.jailed', data: { pubKey: vote.pubKey, reason: 'downtime', until, height: info.height } })
  }
  return { state: validators === undefined ? current : { ...current, validators }, events }
}

/** The window is a ring over `recorded`: the new mark replaces the one `window` blocks old. */
const markSignature = (signing: SigningInfo, missed: boolean, window: number): SigningInfo => {
  const bit = 1n << BigInt(signing.recorded % window)
  const wasMissed = (signing.missedBitmap & bit) !== 0n
  return {
    recorded: signing.recorded + 1,
    missedBitmap: missed ? signing.missedBitmap | bit : signing.missedBitmap & ~bit,
    missedCount: signing.missedCount + (missed ? 1 : 0) - (wasMissed ? 1 : 0),
  }
}

const byValidator = (a: VoteInfo, b: VoteInfo): number => compareText(a.pubKey, b.pubKey)
