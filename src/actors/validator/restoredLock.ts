import { Either, Schema } from 'effect'
import { ConsensusLockSchema, LOCK_KEY, type ConsensusLock } from '../../protocols/tendermint/index.ts'
import { decodeStored } from '../../runtime/codec/storedValue.ts'
import type { StoreService } from '../../runtime/services.ts'

/**
 * The lock the consensus machine last persisted (src/protocols/tendermint/lock.ts), if it
 * is of `height`: what a restarted validator resumes that height with. Like the
 * double-sign guard, a lock record that does not read back stops the start — resuming
 * without it is the amnesia it exists to prevent.
 */
export const restoredLock = (store: StoreService, height: number): ConsensusLock | undefined => {
  const stored = store.get(LOCK_KEY)
  if (stored === undefined) return undefined
  const lock = Either.flatMap(
    Either.mapLeft(decodeStored(stored), (corruption) => corruption.detail),
    (value) => Either.mapLeft(Schema.decodeUnknownEither(ConsensusLockSchema)(value), (error) => error.message),
  )
  if (Either.isLeft(lock)) {
    throw new Error(`consensus lock unreadable (${LOCK_KEY}): ${lock.left} — restore this validator's store from a backup; started without its lock it could vote against it`)
  }
  return lock.right.height === height ? lock.right : undefined
}
