import { describe, expect, test } from 'vitest'
import { performEffect } from '../../../src/actors/common/performEffect.ts'
import type { ActorToolkit } from '../../../src/actors/common/toolkit.ts'
import { restoredLock } from '../../../src/actors/validator/restoredLock.ts'
import { SignedLog } from '../../../src/actors/validator/signedLog.ts'
import { Signer } from '../../../src/actors/validator/signer.ts'
import type { Vote } from '../../../src/protocols/tendermint/index.ts'
import { persistLock } from '../../../src/protocols/tendermint/lock.ts'
import { signingKeyFromSeed } from '../../../src/runtime/crypto/ed25519.ts'
import { MemoryStore } from '../../../src/runtime/store/memoryStore.ts'

const key = signingKeyFromSeed(new Uint8Array(32).fill(7))
const ADDRESS = 'ab'.repeat(20)

/** A signer over `store`, as a validator (re)starting on it would make one; `signatures` counts what its key signed. */
const signerOn = (store: MemoryStore) => {
  const counts = { signatures: 0 }
  const tk = {
    store,
    keys: { sign: (bytes: Uint8Array) => (counts.signatures++, key.sign(bytes)) },
    reports: { report: () => {} },
    metrics: { count: () => {} },
    log: { log: () => {} },
  } as unknown as ActorToolkit
  return { signer: new Signer(tk, 'chain-x'), counts }
}

const vote = (type: Vote['type'], height: number, round: number, blockId: string | null, timestamp = 1_000): Vote => ({
  type,
  height,
  round,
  blockId,
  timestamp,
  validatorAddress: ADDRESS,
  validatorIndex: 2,
})

describe('what a validator signed, across a restart', () => {
  test('its votes of the height come back as they left, and it resumes in the last round it signed in', () => {
    const store = new MemoryStore()
    const before = signerOn(store).signer
    const prevote = before.vote(vote('prevote', 3, 1, 'B1'))!
    const precommit = before.vote(vote('precommit', 3, 1, 'B1'))!
    const after = signerOn(store).signer
    expect(after.votesSignedAt(3, { address: ADDRESS, index: 2 })).toEqual([prevote, precommit])
    expect(after.votesSignedAt(2, { address: ADDRESS, index: 2 })).toEqual([])
    expect(after.firstRoundAt(3)).toBe(1)
    expect(after.firstRoundAt(4)).toBe(0)
  })

  test('the lock the machine persisted before a precommit is durable once the precommit is signed', () => {
    const store = new MemoryStore()
    const lock = { height: 3, round: 1, value: { blockId: 'B1', block: new Uint8Array([1, 2]), blockTime: 500 } }
    const { signer } = signerOn(store)
    performEffect({ store } as unknown as ActorToolkit, persistLock(lock))
    signer.vote(vote('precommit', 3, 1, 'B1'))
    store.crash(true)
    expect(restoredLock(store, 3)).toStrictEqual(lock)
  })

  test('a vote asked again with another timestamp gets the signature it got; a different one is refused', () => {
    const store = new MemoryStore()
    const first = signerOn(store).signer.vote(vote('prevote', 3, 1, 'B1'))!
    signerOn(store).signer.vote(vote('precommit', 3, 1, 'B1'))
    const { signer, counts } = signerOn(store)
    expect(signer.vote(vote('prevote', 3, 1, 'B1', 9_000))).toEqual(first)
    expect(signer.vote(vote('prevote', 3, 1, null))).toBeUndefined()
    expect(counts.signatures).toBe(0)
  })

  test('a new height starts a new log; an unreadable log restores nothing and refuses nothing it should not', () => {
    const store = new MemoryStore()
    const { signer } = signerOn(store)
    signer.vote(vote('prevote', 3, 0, 'B1'))
    signer.vote(vote('prevote', 4, 0, 'B2'))
    expect(signerOn(store).signer.votesSignedAt(3, { address: ADDRESS, index: 2 })).toEqual([])
    expect(signerOn(store).signer.votesSignedAt(4, { address: ADDRESS, index: 2 })).toHaveLength(1)
    store.put('validator/signed-at-height', Uint8Array.of(1, 2, 3))
    expect(new SignedLog(store).votesAt(4)).toEqual([])
    // The guard, stored apart, still refuses a second prevote at 4/0.
    expect(signerOn(store).signer.vote(vote('prevote', 4, 0, null))).toBeUndefined()
  })
})
