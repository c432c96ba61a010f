/**
 * Round timeouts, growing with the round so that after GST some round is long enough for
 * correct validators to hear each other (paper §3, "timeouts increase with rounds"). µs.
 */
export interface TimeoutConfig {
  readonly propose: number
  readonly proposeDelta: number
  readonly prevote: number
  readonly prevoteDelta: number
  readonly precommit: number
  readonly precommitDelta: number
  /** Wait after a commit before round 0 of the next height, to collect late precommits; may be 0. */
  readonly commit: number
}

/** CometBFT `DefaultConsensusConfig` (config/config.go). */
export const DEFAULT_TIMEOUTS: TimeoutConfig = {
  propose: 3_000_000,
  proposeDelta: 500_000,
  prevote: 1_000_000,
  prevoteDelta: 500_000,
  precommit: 1_000_000,
  precommitDelta: 500_000,
  commit: 1_000_000,
}

export const timeoutPropose = (c: TimeoutConfig, round: number): number => c.propose + c.proposeDelta * round
export const timeoutPrevote = (c: TimeoutConfig, round: number): number => c.prevote + c.prevoteDelta * round
export const timeoutPrecommit = (c: TimeoutConfig, round: number): number => c.precommit + c.precommitDelta * round
