import type { BlockInfo, Misbehavior } from '../chain/application.ts'
import { compareText } from './sortedMaps.ts'
import { slashValidator, type StakingEvent } from './slashValidator.ts'
import { JAILED_FOREVER, type StakingState, withValidator } from './state.ts'

/**
 * x/evidence `HandleEquivocationEvidence`: a duplicate vote slashes
 * `slashFractionDoubleSign`, jails forever and tombstones. A tombstoned validator's
 * evidence is ignored, so each fault is paid once — even when the same evidence, or
 * another from the same validator, is committed again.
 */
export const punishDoubleSigns = (state: StakingState, info: BlockInfo): { state: StakingState; events: StakingEvent[] } => {
  const events: StakingEvent[] = []
  let current = state
  for (const evidence of [...info.misbehavior].sort(byValidatorThenHeight)) {
    const record = current.validators.get(evidence.pubKey)
    if (evidence.type !== 'duplicate-vote' || record === undefined || record.tombstoned) continue
    const slashed = slashValidator(current, {
      pubKey: evidence.pubKey,
      reason: 'double-sign',
      fraction: current.params.slashFractionDoubleSign,
      infractionHeight: evidence.height,
      height: info.height,
    })
    const after = slashed.state.validators.get(evidence.pubKey) ?? record
    current = withValidator(slashed.state, evidence.pubKey, { ...after, jailedUntil: JAILED_FOREVER, tombstoned: true })
    events.push(
      ...slashed.events,
      { event: 'staking.jailed', data: { pubKey: evidence.pubKey, reason: 'double-sign', until: 'forever', height: info.height } },
      { event: 'staking.tombstoned', data: { pubKey: evidence.pubKey, height: info.height } },
    )
  }
  return { state: current, events }
}

const byValidatorThenHeight = (a: Misbehavior, b: Misbehavior): number => compareText(a.pubKey, b.pubKey) || a.height - b.height
