import { expect, test } from 'vitest'
import { ChainState, RECENT_HEIGHTS } from '../../../src/actors/validator/chainState.ts'
import { ValidatorIdentities } from '../../../src/actors/validator/identities.ts'
import type { Application, Block, Commit, ComposedState } from '../../../src/protocols/chain/index.ts'
import { directoryOf } from '../../../src/runtime/directory.ts'

/**
 * A validator runs for days at tens of heights a second: ChainState must keep memory
 * bounded however long the chain, while still knowing the members and powers of any
 * committed height, which evidence from far back is checked against.
 */

const NAMES = ['validator-0', 'validator-1', 'validator-2', 'validator-3']
const publicKey = (i: number): Uint8Array => new Uint8Array(32).fill(i + 1)
const pubKeyHex = (i: number): string => Buffer.from(publicKey(i)).toString('hex')

const identities = new ValidatorIdentities(
  directoryOf(NAMES.map((id) => ({ id, role: 'validator' }))),
  { publicKey: publicKey(0), sign: () => new Uint8Array(64), publicKeyOf: (name) => publicKey(NAMES.indexOf(name)) },
  'validator',
)

/** The height at which the application lowers validator-0's power to 5 (effective two heights later). */
const CHANGE_AT = 1_500

/** An application that only ever changes validator-0's power once: the chain's sets are what is under test. */
const app = {
  init: () => ({}),
  appHash: () => 'app-hash',
  finalizeBlock: (state: ComposedState, _txs: unknown, info: { readonly height: number }) => ({
    state,
    txResults: [],
    validatorUpdates: info.height === CHANGE_AT ? [{ pubKey: pubKeyHex(0), power: 5n }] : [],
    events: [],
  }),
} as unknown as Application<ComposedState>

const blockAt = (height: number): Block =>
  ({
    header: { chainId: 'chain-test', height, time: height * 1_000, lastBlockId: null, proposerAddress: identities.named(NAMES[0]!)!.address },
    txs: [],
    evidence: [],
    lastCommit: null,
  }) as unknown as Block

const powersOf = (chain: ChainState, height: number) =>
  Object.fromEntries((chain.membersAt(height)?.validators ?? []).map((v) => [identities.withAddress(v.address)!.name, v.power]))

test('keeps recent heights in memory, and the members and powers of every committed height', () => {
  const chain = new ChainState(app, { chainId: 'chain-test', time: 0, validators: NAMES.map((name, i) => ({ name, pubKey: pubKeyHex(i), power: 10n })), app: {} }, identities)
  const tip = CHANGE_AT + 2 * RECENT_HEIGHTS
  for (let height = 1; height <= tip; height++) chain.apply(blockAt(height), { height, round: 0 } as unknown as Commit)

  expect(chain.sets.size).toBeLessThanOrEqual(RECENT_HEIGHTS + 3)
  for (const kept of [chain.blockIds, chain.blockTimes, chain.commitRounds]) expect(kept.size).toBeLessThanOrEqual(RECENT_HEIGHTS + 1)
  expect(chain.setAt(tip)).toBeDefined()
  expect(chain.setAt(tip + 2)).toBeDefined()
  expect(chain.setAt(1)).toBeUndefined()

  // Long forgotten heights on both sides of the change, the change itself, and recent ones.
  const before = { 'validator-0': 10n, 'validator-1': 10n, 'validator-2': 10n, 'validator-3': 10n }
  const after = { ...before, 'validator-0': 5n }
  expect(powersOf(chain, 1)).toEqual(before)
  expect(powersOf(chain, CHANGE_AT + 1)).toEqual(before)
  expect(powersOf(chain, CHANGE_AT + 2)).toEqual(after)
  expect(powersOf(chain, tip - RECENT_HEIGHTS - 10)).toEqual(after)
  expect(chain.membersAt(tip)).toBe(chain.setAt(tip))
  expect(chain.membersAt(tip + 3)).toBeUndefined()
  expect(chain.membersAt(0)).toBeUndefined()
})
