import { Schema } from 'effect'
import type { ProtocolEffect } from '../effects.ts'
import type { ProposalValue } from './consensusEvents.ts'

/**
 * A validator's lock (paper L36–41) as it must outlive a crash. A validator precommits a
 * block only when it locks on it; restarted without the lock, it could prevote and
 * precommit another block in a later round of the same height — and with more than a
 * third of the power it would then be the overlap that lets two blocks be committed (one
 * elsewhere before the crash, one after). CometBFT restores the lock by replaying its
 * consensus WAL; this machine has no log, so it asks the host to persist the lock with
 * the precommit, and the host gives it back at the restart (`NewHeightEvent.lock`).
 */
export interface ConsensusLock {
  readonly height: number
  readonly round: number
  readonly value: ProposalValue
}

/** Where the host keeps the lock: one record, replaced by each new lock. */
export const LOCK_KEY = 'tendermint/lock'

export const ConsensusLockSchema = Schema.Struct({
  height: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)),
  round: Schema.NonNegativeInt,
  value: Schema.Struct({ blockId: Schema.String.pipe(Schema.minLength(1)), block: Schema.Uint8ArrayFromSelf, blockTime: Schema.NonNegativeInt }),
})

/**
 * Emitted before the precommit it goes with, without a sync of its own: the host syncs
 * its store before any signature leaves (see index.ts), so the lock is durable by the
 * time the precommit can be seen, and a crash before that loses both together.
 */
export const persistLock = (lock: ConsensusLock): ProtocolEffect => ({ type: 'persist', key: LOCK_KEY, value: lock })
