import { describe, expect, test } from 'vitest'
import { restoredLock } from '../../../src/actors/validator/restoredLock.ts'
import { performEffect } from '../../../src/actors/common/performEffect.ts'
import type { ActorToolkit } from '../../../src/actors/common/toolkit.ts'
import { LOCK_KEY, type ConsensusLock } from '../../../src/protocols/tendermint/index.ts'
import { persistLock } from '../../../src/protocols/tendermint/lock.ts'
import { encodeStored } from '../../../src/runtime/codec/storedValue.ts'
import { MemoryStore } from '../../../src/runtime/store/memoryStore.ts'

const lock: ConsensusLock = { height: 7, round: 2, value: { blockId: 'B7', block: new Uint8Array([1, 2, 3]), blockTime: 5_000 } }

/** The store after the host carried out the machine's persist effect, as a validator does. */
const storeWithLock = (): MemoryStore => {
  const store = new MemoryStore()
  performEffect({ store } as unknown as ActorToolkit, persistLock(lock))
  return store
}

describe('the lock a restarted validator resumes with', () => {
  test('is the one the machine persisted, at its height', () => {
    expect(restoredLock(storeWithLock(), 7)).toStrictEqual(lock)
  })

  test('is none at another height, or when none was persisted', () => {
    expect(restoredLock(storeWithLock(), 8)).toBeUndefined()
    expect(restoredLock(new MemoryStore(), 7)).toBeUndefined()
  })

  test('stops the start when the record does not read back: resuming unlocked is what it prevents', () => {
    const corrupted = storeWithLock()
    const bytes = corrupted.get(LOCK_KEY)!
    bytes[3] = bytes[3]! ^ 0xff
    corrupted.put(LOCK_KEY, bytes)
    expect(() => restoredLock(corrupted, 7)).toThrow(/consensus lock unreadable \(tendermint\/lock\): checksum/)

    const malformed = new MemoryStore()
    malformed.put(LOCK_KEY, encodeStored({ height: 7, round: -1, value: lock.value }))
    expect(() => restoredLock(malformed, 7)).toThrow(/consensus lock unreadable/)
  })
})
