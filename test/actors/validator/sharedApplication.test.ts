import { isDeepStrictEqual } from 'node:util'
import { fc, test as propertyTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { sharedApplication } from '../../../src/actors/validator/sharedApplication.ts'
import { verifyTxSignature } from '../../../src/actors/validator/txVerifier.ts'
import { composeApps, type Application, type BlockInfo, type ComposedState, type Genesis, type Tx } from '../../../src/protocols/chain/index.ts'
import { kvApp } from '../../../src/protocols/kvstore/index.ts'
import { createStakingApp } from '../../../src/protocols/staking/index.ts'
import { PROPERTY_SEED } from '../../support/propertySample.ts'

/**
 * sharedApplication lets the validators of a process share the answers of the chain's
 * application (kv + staking, as the validator runs it). A validator's answers must be the
 * ones the application gives it directly, whatever the other validators asked before.
 */

/** The real application, as the validator composes it. */
const direct = composeApps([kvApp, createStakingApp(verifyTxSignature)])

/** The real application with its calls counted: a call is an answer computed afresh. */
const counted = () => {
  const calls = { init: 0, checkTx: 0, processProposal: 0, finalizeBlock: 0, appHash: 0 }
  const app: Application<ComposedState> = {
    ...direct,
    init: (genesis) => (calls.init++, direct.init(genesis)),
    checkTx: (state, tx) => (calls.checkTx++, direct.checkTx(state, tx)),
    processProposal: (state, txs, info) => (calls.processProposal++, direct.processProposal(state, txs, info)),
    finalizeBlock: (state, txs, info) => (calls.finalizeBlock++, direct.finalizeBlock(state, txs, info)),
    appHash: (state) => (calls.appHash++, direct.appHash(state)),
  }
  return { calls, shared: sharedApplication(app) }
}

const pubKey = (n: number): string => n.toString(16).padStart(64, '0')
const SECOND = 1_000_000

const genesisOf = (powers: readonly number[], staking: Record<string, unknown> = {}, change: Partial<Genesis> = {}): Genesis => ({
  chainId: 'shared-app-test',
  time: 1_000 * SECOND,
  validators: powers.map((power, i) => ({ pubKey: pubKey(i + 1), name: `validator-${i}`, power: BigInt(power) })),
  app: { staking },
  ...change,
})

const infoAt = (height: number, change: Partial<BlockInfo> = {}): BlockInfo => ({
  height,
  time: 1_000 * SECOND + height * SECOND,
  proposerPubKey: pubKey(1),
  lastCommit: [1, 2, 3].map((i) => ({ pubKey: pubKey(i), power: 10n, signed: true })),
  misbehavior: [],
  ...change,
})

const txsOf = (tag: string): Tx[] => [
  { type: 'kv.set', key: 'k', value: tag },
  { type: 'staking.delegate', validator: pubKey(2), delegator: 'alice', amount: '1000000' },
]

/** A FinalizeResult reduced to comparable data: the state by its app hash (states hold Maps). */
const view = (result: ReturnType<typeof direct.finalizeBlock>) => ({
  appHash: direct.appHash(result.state),
  txResults: result.txResults,
  validatorUpdates: result.validatorUpdates,
  events: result.events,
})

const doubleSign = (n: number, height: number): BlockInfo['misbehavior'][number] => ({
  type: 'duplicate-vote',
  pubKey: pubKey(n),
  height,
  time: infoAt(height).time,
  totalVotingPower: 30n,
})

/**
 * A state in which BlockInfo matters to staking: alice's undelegation completes at
 * 1011 s. `baseInfo` (height 5, 1005 s) carries a double sign of validator 3; each
 * variant changes one field of it.
 */
const HEIGHT = 5
const richGenesis = genesisOf([10, 10, 10], { params: { unbondingTime: '10s' } })
const richState = (app: Application<ComposedState>): ComposedState =>
  app.finalizeBlock(
    app.init(richGenesis),
    [
      { type: 'staking.delegate', validator: pubKey(2), delegator: 'alice', amount: '1000000' },
      { type: 'staking.undelegate', validator: pubKey(2), delegator: 'alice', amount: '500000' },
    ],
    infoAt(1),
  ).state
const baseInfo = (): BlockInfo => infoAt(HEIGHT, { misbehavior: [doubleSign(3, HEIGHT - 1)] })

const eachInfoFieldChanged = (): [string, BlockInfo][] => {
  const info = baseInfo()
  return [
    ['height', { ...info, height: HEIGHT + 1 }],
    ['time', { ...info, time: info.time + 7 * SECOND }],
    ['proposerPubKey', { ...info, proposerPubKey: pubKey(2) }],
    ['lastCommit: one validator did not sign', { ...info, lastCommit: info.lastCommit.map((v, i) => (i === 2 ? { ...v, signed: false } : v)) }],
    ['lastCommit: one power', { ...info, lastCommit: info.lastCommit.map((v, i) => (i === 2 ? { ...v, power: 11n } : v)) }],
    ['lastCommit: one validator fewer', { ...info, lastCommit: info.lastCommit.slice(0, 2) }],
    ['misbehavior: another validator', { ...info, misbehavior: [doubleSign(2, HEIGHT - 1)] }],
    ['misbehavior: none', { ...info, misbehavior: [] }],
  ]
}

describe('sharedApplication: init', () => {
  test('gives the genesis state of the application, one object for validators with equal genesis data', () => {
    const { calls, shared } = counted()
    const state = shared.init(genesisOf([10, 10, 10]))
    expect(state).toEqual(direct.init(genesisOf([10, 10, 10])))
    expect(shared.appHash(state)).toBe(direct.appHash(direct.init(genesisOf([10, 10, 10]))))
    expect(shared.init(genesisOf([10, 10, 10]))).toBe(state)
    expect(calls.init).toBe(1)
  })

  test('a validator whose genesis differs in anything gets the state of its own genesis', () => {
    const { calls, shared } = counted()
    shared.init(genesisOf([10, 10, 10]))
    const variants: Genesis[] = [
      genesisOf([10, 10, 11]),
      genesisOf([10, 10]),
      genesisOf([10, 10, 10], {}, { chainId: 'another-chain' }),
      genesisOf([10, 10, 10], {}, { time: 2_000 * SECOND }),
      genesisOf([10, 10, 10], { params: { maxValidators: 2 } }),
      genesisOf([10, 10, 10], { params: { powerReduction: '10' } }),
      genesisOf([10, 10, 10], { stakes: [{ validator: pubKey(1), delegator: 'bob', amount: '5' }] }),
      { ...genesisOf([10, 10, 10]), validators: genesisOf([10, 10, 10]).validators.map((v, i) => (i === 0 ? { ...v, pubKey: pubKey(9) } : v)) },
      { ...genesisOf([10, 10, 10]), validators: genesisOf([10, 10, 10]).validators.map((v, i) => (i === 0 ? { ...v, name: 'someone' } : v)) },
    ]
    for (const [i, genesis] of variants.entries()) {
      const state = shared.init(genesis)
      expect(calls.init).toBe(2 + i)
      expect(state).toEqual(direct.init(genesis))
      expect(shared.appHash(state)).toBe(direct.appHash(direct.init(genesis)))
    }
    // The answers that differ from the first genesis's are not hidden by it.
    expect(shared.appHash(shared.init(genesisOf([10, 10, 11])))).not.toBe(shared.appHash(shared.init(genesisOf([10, 10, 10]))))
  })

  test('an unusable genesis throws every time, like the application, and is not remembered', () => {
    const { calls, shared } = counted()
    const bad = genesisOf([10, 10], { params: { maxValidators: 0 } })
    expect(() => direct.init(bad)).toThrow(/maxValidators/)
    expect(() => shared.init(bad)).toThrow(/maxValidators/)
    expect(() => shared.init(bad)).toThrow(/maxValidators/)
    expect(calls.init).toBe(2)
  })

  test('keeps a bounded number of genesis states and answers correctly after forgetting one', () => {
    const { calls, shared } = counted()
    const first = shared.init(genesisOf([1]))
    for (let i = 0; i < 12; i++) expect(shared.init(genesisOf([100 + i]))).toEqual(direct.init(genesisOf([100 + i])))
    const again = shared.init(genesisOf([1]))
    expect(calls.init).toBe(14)
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  // Once a bug, through samePlainData: a genesis with an undefined field matched one lacking it.
  test('a genesis with other staking params is not served the state of one with an undefined field', () => {
    const { shared } = counted()
    shared.init(genesisOf([10, 10], { unused: undefined }))
    const other = genesisOf([10, 10], { params: { maxValidators: 1 } })
    expect(shared.init(other)).toEqual(direct.init(other))
  })
})

describe('sharedApplication: finalizeBlock and appHash', () => {
  test('gives the application’s result, and the same result object to validators asking with equal inputs', () => {
    const { calls, shared } = counted()
    const state = shared.init(genesisOf([10, 10, 10]))
    const txs = txsOf('a')
    const result = shared.finalizeBlock(state, txs, infoAt(1))
    expect(view(result)).toEqual(view(direct.finalizeBlock(direct.init(genesisOf([10, 10, 10])), txsOf('a'), infoAt(1))))
    expect(result.txResults.map((r) => r.code)).toEqual([0, 0])
    // Another validator: the same state and transactions (shared), its own equal BlockInfo.
    expect(shared.finalizeBlock(state, txs, infoAt(1))).toBe(result)
    expect(calls.finalizeBlock).toBe(1)
    expect(shared.appHash(result.state)).toBe(direct.appHash(result.state))
    expect(shared.appHash(result.state)).toBe(direct.appHash(result.state))
    expect(calls.appHash).toBe(1)
  })

  test('a BlockInfo that differs in any one field gets its own result', () => {
    const { calls, shared } = counted()
    const state = richState(shared)
    const txs = txsOf('a')
    const base = view(direct.finalizeBlock(state, txs, baseInfo()))
    for (const [field, info] of eachInfoFieldChanged()) {
      // The base answer is the one remembered for (state, txs) when the other BlockInfo comes.
      expect(view(shared.finalizeBlock(state, txs, baseInfo())), field).toEqual(base)
      const before = calls.finalizeBlock
      const result = shared.finalizeBlock(state, txs, info)
      expect(calls.finalizeBlock, field).toBe(before + 1)
      expect(view(result), field).toEqual(view(direct.finalizeBlock(state, txs, info)))
    }
  })

  test('the BlockInfo fields staking reads change the answer, and a remembered answer does not hide that', () => {
    const { shared } = counted()
    const state = richState(shared)
    const txs = txsOf('a')
    const base = view(direct.finalizeBlock(state, txs, baseInfo()))
    const differing = eachInfoFieldChanged().filter(([field, info]) => {
      expect(view(shared.finalizeBlock(state, txs, baseInfo())), field).toEqual(base)
      const expected = view(direct.finalizeBlock(state, txs, info))
      expect(view(shared.finalizeBlock(state, txs, info)), field).toEqual(expected)
      return !isDeepStrictEqual(expected, base)
    })
    // Slashing reads the misbehavior and reports the height, liveness who signed the last
    // commit, unbonding the time. (Staking ignores the proposer and the commit's powers:
    // for those, the test above shows the answer is computed afresh.)
    expect(differing.map(([field]) => field)).toEqual([
      'height',
      'time',
      'lastCommit: one validator did not sign',
      'lastCommit: one validator fewer',
      'misbehavior: another validator',
      'misbehavior: none',
    ])
  })

  test('other transactions, even equal ones in another array, get their own result', () => {
    const { calls, shared } = counted()
    const state = shared.init(genesisOf([10, 10, 10]))
    const txs = txsOf('a')
    const first = shared.finalizeBlock(state, txs, infoAt(1))
    const equalTxs = shared.finalizeBlock(state, txsOf('a'), infoAt(1))
    expect(calls.finalizeBlock).toBe(2)
    expect(view(equalTxs)).toEqual(view(first))
    const otherTxs = txsOf('b')
    const other = shared.finalizeBlock(state, otherTxs, infoAt(1))
    expect(view(other)).toEqual(view(direct.finalizeBlock(state, otherTxs, infoAt(1))))
    expect(view(other).appHash).not.toBe(view(first).appHash)
    expect(view(shared.finalizeBlock(state, [], infoAt(1)))).toEqual(view(direct.finalizeBlock(state, [], infoAt(1))))
    expect(shared.finalizeBlock(state, txs, infoAt(1))).toBe(first)
  })

  test('another state object gets its own result, whether its contents differ or not', () => {
    const { calls, shared } = counted()
    const genesisState = shared.init(genesisOf([10, 10, 10]))
    const txs = txsOf('a')
    const afterOne = shared.finalizeBlock(genesisState, txs, infoAt(1)).state
    // A state reached differently: the same contents, another object.
    const copy = { ...genesisState }
    const fromCopy = shared.finalizeBlock(copy, txs, infoAt(1))
    expect(calls.finalizeBlock).toBe(2)
    expect(view(fromCopy)).toEqual(view(direct.finalizeBlock(genesisState, txs, infoAt(1))))
    // Different contents, same transactions and BlockInfo.
    const fromLater = shared.finalizeBlock(afterOne, txs, infoAt(1))
    expect(view(fromLater)).toEqual(view(direct.finalizeBlock(afterOne, txs, infoAt(1))))
    expect(view(fromLater).appHash).not.toBe(direct.appHash(afterOne))
    expect(shared.appHash(afterOne)).toBe(direct.appHash(afterOne))
    expect(shared.appHash(genesisState)).toBe(direct.appHash(genesisState))
    expect(shared.appHash(afterOne)).not.toBe(shared.appHash(genesisState))
  })

  test('validators with different genesis data in one process each follow their own chain', () => {
    const { shared } = counted()
    const genesisA = genesisOf([10, 10, 10])
    const genesisB = genesisOf([10, 10, 10], { params: { unbondingTime: '3s' } })
    let a = shared.init(genesisA)
    let b = shared.init(genesisB)
    let directA = direct.init(genesisA)
    let directB = direct.init(genesisB)
    const blocks: [Tx[], BlockInfo][] = [
      [txsOf('x'), infoAt(1)],
      [[{ type: 'staking.undelegate', validator: pubKey(2), delegator: 'alice', amount: '1000000' }], infoAt(2)],
      [[], infoAt(10)],
      [txsOf('y'), infoAt(11)],
    ]
    for (const [txs, info] of blocks) {
      const resultA = shared.finalizeBlock(a, txs, info)
      const resultB = shared.finalizeBlock(b, txs, { ...info })
      const expectedA = direct.finalizeBlock(directA, txs, info)
      const expectedB = direct.finalizeBlock(directB, txs, info)
      expect(view(resultA)).toEqual(view(expectedA))
      expect(view(resultB)).toEqual(view(expectedB))
      expect(shared.appHash(resultA.state)).toBe(direct.appHash(expectedA.state))
      expect(shared.appHash(resultB.state)).toBe(direct.appHash(expectedB.state))
      a = resultA.state
      b = resultB.state
      directA = expectedA.state
      directB = expectedB.state
    }
    // Their unbonding times differ, so their chains did.
    expect(direct.appHash(directA)).not.toBe(direct.appHash(directB))
  })
})

describe('sharedApplication: processProposal and the rest', () => {
  test('judges a proposal like the application, and again for any different input', () => {
    const { calls, shared } = counted()
    const state = shared.init(genesisOf([10, 10, 10]))
    const good = txsOf('a')
    const bad: Tx[] = [{ type: 'kv.set', key: '', value: 'x' }]
    expect(shared.processProposal(state, good, infoAt(1))).toBe(true)
    expect(shared.processProposal(state, good, infoAt(1))).toBe(true)
    expect(calls.processProposal).toBe(1)
    expect(shared.processProposal(state, bad, infoAt(1))).toBe(direct.processProposal(state, bad, infoAt(1)))
    expect(shared.processProposal(state, bad, infoAt(1))).toBe(false)
    expect(calls.processProposal).toBe(2)
    // Answers are per transactions array: other arrays are judged on their own.
    expect(shared.processProposal(state, txsOf('a'), infoAt(1))).toBe(true)
    expect(shared.processProposal(state, [{ type: 'unknown.tx' }], infoAt(1))).toBe(false)
    const before = calls.processProposal
    for (const [field, info] of eachInfoFieldChanged()) {
      expect(shared.processProposal(state, good, info), field).toBe(direct.processProposal(state, good, info))
    }
    expect(shared.processProposal({ ...state }, good, infoAt(1))).toBe(true)
    expect(calls.processProposal).toBe(before + eachInfoFieldChanged().length + 1)
  })

  test('passes everything else straight to the application', () => {
    const { shared } = counted()
    const state = shared.init(genesisOf([10, 10]))
    const txs: Tx[] = [...txsOf('a'), { type: 'kv.set', key: '', value: '' }, { type: 'nobody.tx' }]
    expect(shared.name).toBe(direct.name)
    for (const tx of txs) expect(shared.checkTx(state, tx)).toEqual(direct.checkTx(state, tx))
    expect(shared.prepareProposal(state, txs, infoAt(1))).toEqual(direct.prepareProposal(state, txs, infoAt(1)))
    expect(shared.extendVote(state, 1, 'id')).toEqual(direct.extendVote(state, 1, 'id'))
    const extension = direct.extendVote(state, 1, 'id')
    expect(shared.verifyVoteExtension(state, 1, 'id', extension)).toBe(direct.verifyVoteExtension(state, 1, 'id', extension))
    expect(shared.verifyVoteExtension(state, 1, 'id', Uint8Array.of(1))).toBe(direct.verifyVoteExtension(state, 1, 'id', Uint8Array.of(1)))
  })
})

/**
 * Several validators of one process run blocks side by side, mostly agreeing (the same
 * transactions arrays, as decoded once per process, and equal BlockInfos in objects of
 * their own), sometimes one of them sees other transactions or another BlockInfo. Each
 * must end every height with the state the application gives it directly.
 */
describe('sharedApplication: validators in step and out of step', () => {
  const txPool: Tx[][] = [txsOf('p'), txsOf('q'), [], [{ type: 'staking.delegate', validator: pubKey(1), delegator: 'bob', amount: '2000000' }]]
  const deviation = fc.option(fc.record({ validator: fc.nat(2), txs: fc.nat(txPool.length - 1), skipSigner: fc.boolean(), late: fc.boolean() }), {
    freq: 2,
  })
  const step = fc.record({ txs: fc.nat(txPool.length - 1), deviation })

  propertyTest.prop([fc.array(step, { minLength: 1, maxLength: 8 })], { seed: PROPERTY_SEED, numRuns: 40 })(
    'each validator gets the direct answers for its own inputs',
    (steps) => {
      const { shared } = counted()
      const genesis = genesisOf([10, 10, 10])
      let states = [0, 1, 2].map(() => shared.init({ ...genesis }))
      let directStates = [0, 1, 2].map(() => direct.init(genesis))
      steps.forEach(({ txs, deviation: d }, i) => {
        const height = i + 1
        const results = states.map((state, v) => {
          const deviant = d !== null && d.validator === v
          const info = infoAt(height, {
            ...(deviant && d.late ? { time: infoAt(height).time + 500_000 } : {}),
            ...(deviant && d.skipSigner ? { lastCommit: infoAt(height).lastCommit.map((c, k) => (k === v ? { ...c, signed: false } : c)) } : {}),
          })
          const blockTxs = txPool[deviant ? d.txs : txs]!
          const result = shared.finalizeBlock(state, blockTxs, info)
          const expected = direct.finalizeBlock(directStates[v]!, blockTxs, info)
          expect(view(result)).toEqual(view(expected))
          expect(shared.appHash(result.state)).toBe(direct.appHash(expected.state))
          expect(shared.processProposal(state, blockTxs, info)).toBe(direct.processProposal(directStates[v]!, blockTxs, info))
          return [result.state, expected.state] as const
        })
        states = results.map(([s]) => s)
        directStates = results.map(([, s]) => s)
      })
    },
  )
})

describe('sharedApplication: checkTx', () => {
  test('gives the application’s answer, computed once for one transaction object against one state', () => {
    const { calls, shared } = counted()
    const state = richState(shared)
    const [good, bad] = [{ type: 'kv.set', key: 'k', value: 'v' }, { type: 'kv.set', key: 7 }]
    for (const tx of [good, bad, good, bad]) expect(shared.checkTx(state, tx)).toEqual(direct.checkTx(state, tx))
    expect(shared.checkTx(state, bad).code).not.toBe(0)
    expect(calls.checkTx).toBe(2)
    // An equal transaction in another object, or the same one against another state, is checked afresh.
    expect(shared.checkTx(state, { ...good })).toEqual(direct.checkTx(state, good))
    const later = shared.finalizeBlock(state, txsOf('a'), infoAt(HEIGHT)).state
    expect(shared.checkTx(later, good)).toEqual(direct.checkTx(later, good))
    expect(calls.checkTx).toBe(4)
  })
})
