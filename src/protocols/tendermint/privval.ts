/**
 * The double-sign guard of a validator (CometBFT's `privval/file.go` `checkHRS`), as pure
 * logic. The host keeps the last sign state durably: before it sends anything it signed,
 * it runs `checkSign`, writes the new state and syncs it, so that no crash or restart can
 * make it sign two different things for one (height, round, step).
 */

export type SignStep = 'proposal' | 'prevote' | 'precommit'

/** The order of steps inside a round (Go's stepPropose 1, stepPrevote 2, stepPrecommit 3). */
const STEP_RANK: Readonly<Record<SignStep | 'none', number>> = { none: 0, proposal: 1, prevote: 2, precommit: 3 }

export interface LastSignState {
  readonly height: number
  readonly round: number
  readonly step: SignStep | 'none'
  /** Digest of the canonical sign bytes last signed; null before the first signature. */
  readonly signBytesDigest: string | null
}

export const INITIAL_SIGN_STATE: LastSignState = { height: 0, round: 0, step: 'none', signBytesDigest: null }

export type SignCheck =
  | {
      readonly ok: true
      /** The state to persist (with sync) before sending. */
      readonly next: LastSignState
      /** True when this is the very document signed last time: signing it again reveals nothing new. */
      readonly again: boolean
    }
  | { readonly ok: false; readonly reason: 'height-regression' | 'round-regression' | 'step-regression' | 'conflicting-data' }

/**
 * May the validator sign `signBytesDigest` at (height, round, step)? Only if that is
 * later than anything signed before, or exactly what was signed last at the same place.
 */
export const checkSign = (
  last: LastSignState,
  height: number,
  round: number,
  step: SignStep,
  signBytesDigest: string,
): SignCheck => {
  if (height < last.height) return { ok: false, reason: 'height-regression' }
  if (height === last.height) {
    if (round < last.round) return { ok: false, reason: 'round-regression' }
    if (round === last.round) {
      if (STEP_RANK[step] < STEP_RANK[last.step]) return { ok: false, reason: 'step-regression' }
      if (step === last.step) {
        return last.signBytesDigest === signBytesDigest
          ? { ok: true, next: last, again: true }
          : { ok: false, reason: 'conflicting-data' }
      }
    }
  }
  return { ok: true, next: { height, round, step, signBytesDigest }, again: false }
}
