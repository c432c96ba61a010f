/**
 * The timers a validator runs, in three families by prefix: its own (`validator.`), the
 * consensus machine's (`tendermint.`, see tendermint TIMER) and embedded membership's
 * (`membership.`). A fired timer goes to the family its name starts with, so no name can
 * belong to two.
 */
export const VALIDATOR_TIMER = {
  gossip: 'validator.gossip',
  evidenceGossip: 'validator.evidence-gossip',
  /** A byzantine validator's held message: the prefix of one timer per message. */
  delayedPrefix: 'validator.delayed:',
} as const

export type TimerOwner = 'validator' | 'membership' | 'consensus'

export const timerOwner = (name: string): TimerOwner =>
  name.startsWith('validator.') ? 'validator' : name.startsWith('membership.') ? 'membership' : 'consensus'
