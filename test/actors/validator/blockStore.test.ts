import { describe, expect, test } from 'vitest'
import { BlockStore, type StoredBlock } from '../../../src/actors/validator/blockStore.ts'
import type { SignedVote } from '../../../src/protocols/tendermint/index.ts'
import { encodeStored } from '../../../src/runtime/codec/storedValue.ts'
import { MemoryStore } from '../../../src/runtime/store/memoryStore.ts'

const precommit = (index: number, blockId: string | null, extension?: Uint8Array): SignedVote => ({
  type: 'precommit',
  height: 9,
  round: 1,
  blockId,
  timestamp: 1_000 + index,
  validatorAddress: String(index).repeat(40).slice(0, 40),
  validatorIndex: index,
  sig: new Uint8Array(64).fill(index),
  ...(extension === undefined ? {} : { extension, extensionSig: new Uint8Array(64).fill(200 + index) }),
})

const stored = (): StoredBlock => ({
  block: new Uint8Array([1, 2, 3, 4]),
  commit: { height: 9, round: 1, blockId: 'B9', signatures: [precommit(0, 'B9'), precommit(1, null), precommit(3, 'B9', new Uint8Array([7, 7]))] },
})

const KEY_OF_9 = 'validator/block/000000000009'

describe('committed blocks in the store', () => {
  test('a saved block and its commit load back equal, vote extensions included, also in a store reopened on the same bytes', () => {
    const store = new MemoryStore()
    const saved = stored()
    new BlockStore(store).save(9, saved)
    expect(new BlockStore(store).load(9)).toStrictEqual(saved)
    expect(new BlockStore(store).load(10)).toBeUndefined()
  })

  test('a saved block is durable when save returns: a crash that loses every unsynced write keeps it', () => {
    const store = new MemoryStore()
    const saved = stored()
    new BlockStore(store).save(9, saved)
    store.crash(true)
    expect(new BlockStore(store).load(9)).toStrictEqual(saved)
  })

  test('a record written before precommits were kept as bytes (votes as maps) still loads', () => {
    const store = new MemoryStore()
    const saved = stored()
    store.put(KEY_OF_9, encodeStored(saved))
    expect(new BlockStore(store).load(9)).toStrictEqual(saved)
  })

  test('a record whose precommit bytes do not decode loads as nothing rather than as a commit missing a vote', () => {
    const store = new MemoryStore()
    const saved = stored()
    store.put(KEY_OF_9, encodeStored({ block: saved.block, commit: { ...saved.commit, signatures: [new Uint8Array([0xff, 0x00])] } }))
    expect(new BlockStore(store).load(9)).toBeUndefined()
  })
})
