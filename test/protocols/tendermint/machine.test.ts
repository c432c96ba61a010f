import { describe, expect, test } from 'vitest'
import { nextHeightValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import { LOCK_KEY } from '../../../src/protocols/tendermint/lock.ts'
import { proposerSchedule, scheduleThrough } from '../../../src/protocols/tendermint/proposerSelection.ts'
import { votesInIndexOrder } from '../../../src/protocols/tendermint/voteSet.ts'
import {
  A,
  B,
  block,
  C,
  D,
  fourValidators,
  newHeight,
  proposed,
  proposalsIn,
  reports,
  signAndFeedBack,
  startNode,
  timer,
  voteEvent,
  voteFrom,
  votesIn,
  type Node,
} from './harness.ts'

const ms = 1_000
const set = fourValidators()
const vote = (from: string, type: 'prevote' | 'precommit', round: number, blockId: string | null, height = 1) =>
  voteFrom(set, from, type, height, round, blockId)
const feed = (node: Node, now: number, ...votes: ReturnType<typeof vote>[]) => votes.flatMap((v) => node.send(voteEvent(v, now)))

test('the four validators of these scenarios propose in turn: aa, bb, cc, dd', () => {
  expect(scheduleThrough(proposerSchedule(set), 3).proposers).toEqual([A, B, C, D])
})

describe('happy path', () => {
  test('the proposer gets a value, proposes, and the height commits in round 0', () => {
    const node = startNode(A)
    const start = node.send(newHeight(1, set, 0))
    expect(start).toEqual([
      { type: 'report', event: 'tendermint.round', data: { height: 1, round: 0, proposer: A } },
      { type: 'setTimer', name: 'tendermint.timeout-propose', after: 3_000 * ms, data: { height: 1, round: 0 } },
      { type: 'report', event: 'tendermint.need-proposal', data: { height: 1, round: 0, lastCommit: [] } },
    ])
    expect(node.state()).toEqual({ inRound: 'propose' })

    const value = block('B1', 5 * ms)
    const proposedEffects = node.send({ type: 'tendermint.proposal-value', now: 10 * ms, height: 1, round: 0, value })
    expect(proposalsIn(proposedEffects)).toEqual([
      { height: 1, round: 0, polRound: -1, blockId: 'B1', timestamp: 10 * ms, proposerAddress: A, block: value.block },
    ])

    // the host signs its proposal and feeds it back: L22, prevote for it
    const prevoted = signAndFeedBack(node, proposedEffects, 11 * ms, value.blockTime)
    expect(votesIn(prevoted)).toEqual([
      { type: 'prevote', height: 1, round: 0, blockId: 'B1', timestamp: 11 * ms, validatorAddress: A, validatorIndex: 0 },
    ])
    expect(reports(prevoted, 'tendermint.vote-signed')).toEqual([{ height: 1, round: 0, type: 'prevote', blockId: 'B1' }])
    expect(node.state()).toEqual({ inRound: 'prevote' })

    // own prevote + two more: +2/3 for B1 (L36): lock and precommit
    signAndFeedBack(node, prevoted, 12 * ms)
    expect(feed(node, 13 * ms, vote(B, 'prevote', 0, 'B1'))).toEqual([])
    const precommitted = feed(node, 14 * ms, vote(C, 'prevote', 0, 'B1'))
    expect(votesIn(precommitted).map((v) => [v.type, v.blockId])).toEqual([['precommit', 'B1']])
    // the lock goes to the host to keep, before the precommit (durable with its signature)
    const persisted = precommitted.findIndex((e) => e.type === 'persist')
    expect(precommitted[persisted]).toEqual({ type: 'persist', key: LOCK_KEY, value: { height: 1, round: 0, value } })
    expect(persisted).toBeLessThan(precommitted.findIndex((e) => e.type === 'publish'))
    expect(node.state()).toEqual({ inRound: 'precommit' })
    expect(node.context().lockedValue?.blockId).toBe('B1')
    expect([node.context().lockedRound, node.context().validRound]).toEqual([0, 0])

    signAndFeedBack(node, precommitted, 15 * ms)
    feed(node, 16 * ms, vote(B, 'precommit', 0, 'B1'))
    const committed = feed(node, 17 * ms, vote(D, 'precommit', 0, 'B1'))
    expect(committed.filter((e) => e.type === 'cancelTimer').length).toBe(3)
    const [commit] = reports(committed, 'tendermint.commit') as Array<{ height: number; round: number; blockId: string; blockTime: number; commit: Array<{ validatorAddress: string }> }>
    expect(commit).toMatchObject({ height: 1, round: 0, blockId: 'B1', blockTime: 5 * ms })
    expect(commit!.commit.map((v) => v.validatorAddress)).toEqual([A, B, D])
    expect(node.state()).toBe('commit')
  })

  test('after the commit, timeout_commit counts from the decision; late precommits join the LastCommit', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('B1'), 1 * ms))
    feed(node, 2 * ms, vote(A, 'precommit', 0, 'B1'), vote(B, 'precommit', 0, 'B1'))
    const committed = feed(node, 100 * ms, vote(C, 'precommit', 0, 'B1'))
    expect(reports(committed, 'tendermint.commit')).toHaveLength(1)

    // the host applies the block and announces height 2 at 400 ms: round 0 waits until 1100 ms
    const next = node.send(newHeight(2, nextHeightValidatorSet(set, []), 400 * ms))
    expect(next).toEqual([{ type: 'setTimer', name: 'tendermint.timeout-commit', after: 700 * ms, data: { height: 2, round: 0 } }])
    expect(node.state()).toBe('newHeight')
    feed(node, 500 * ms, vote(D, 'precommit', 0, 'B1'))
    // height 2, round 0: the proposer (bb after one increment) is not us
    const round0 = node.send(timer('commit', 2, 0, 1_100 * ms))
    expect(reports(round0, 'tendermint.round')).toEqual([{ height: 2, round: 0, proposer: B }])
    expect(node.state()).toEqual({ inRound: 'propose' })
    expect(votesInIndexOrder(node.context().lastCommit!.precommits).map((v) => v.validatorAddress).sort()).toEqual([A, B, C, D])
  })

  test('the next proposer gets the LastCommit to build its block on', () => {
    const node = startNode(B, { commit: 0 })
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('B1'), 1 * ms))
    feed(node, 2 * ms, vote(A, 'precommit', 0, 'B1'), vote(C, 'precommit', 0, 'B1'), vote(D, 'precommit', 0, 'B1'))
    const started = node.send(newHeight(2, nextHeightValidatorSet(set, []), 3 * ms))
    const [need] = reports(started, 'tendermint.need-proposal') as Array<{ lastCommit: Array<{ validatorAddress: string; height: number }> }>
    expect(need!.lastCommit.map((v) => [v.validatorAddress, v.height])).toEqual([[A, 1], [C, 1], [D, 1]])
  })
})

describe('a restart', () => {
  test('starts the height in the round the host asks for, and takes the votes of the rounds before it', () => {
    const node = startNode(B)
    const started = node.send({ type: 'tendermint.new-height', now: 0, height: 1, validators: set, firstRound: 2 })
    expect(reports(started, 'tendermint.round')).toEqual([{ height: 1, round: 2, proposer: C }])
    expect(node.state()).toEqual({ inRound: 'propose' })
    // Its own prevote of round 1, fed back, and two more: the polka of round 1 is visible.
    feed(node, 1 * ms, vote(B, 'prevote', 1, 'B1'), vote(A, 'prevote', 1, 'B1'), vote(C, 'prevote', 1, 'B1'))
    const reproposed = node.send(proposed(C, 1, 2, block('B1'), 2 * ms, { polRound: 1 }))
    expect(votesIn(reproposed).map((v) => [v.type, v.round, v.blockId])).toEqual([['prevote', 2, 'B1']])
  })
})

describe('a restart after locking', () => {
  const locked = { height: 1, round: 1, value: block('B1', 5 * ms) }

  test('keeps the lock: another block proposed in a later round gets a nil prevote, the locked one a prevote', () => {
    const node = startNode(B)
    node.send({ type: 'tendermint.new-height', now: 0, height: 1, validators: set, firstRound: 2, lock: locked })
    expect([node.context().lockedValue?.blockId, node.context().lockedRound]).toEqual(['B1', 1])
    expect(votesIn(node.send(proposed(C, 1, 2, block('X', 6 * ms), 1 * ms))).map((v) => v.blockId)).toEqual([null])

    const again = startNode(B)
    again.send({ type: 'tendermint.new-height', now: 0, height: 1, validators: set, firstRound: 2, lock: locked })
    expect(votesIn(again.send(proposed(C, 1, 2, locked.value, 1 * ms))).map((v) => v.blockId)).toEqual(['B1'])
  })

  test('a proposer proposes its locked block again, with the round it locked in as the POL round', () => {
    // C proposes round 2 (see 'a restart' above)
    const node = startNode(C)
    const started = node.send({ type: 'tendermint.new-height', now: 0, height: 1, validators: set, firstRound: 2, lock: locked })
    expect(proposalsIn(started).map((p) => [p.round, p.polRound, p.blockId])).toEqual([[2, 1, 'B1']])
  })

  test('a lock of another height is no lock', () => {
    const node = startNode(B)
    node.send({ type: 'tendermint.new-height', now: 0, height: 2, validators: set, firstRound: 2, lock: locked })
    expect([node.context().lockedValue, node.context().lockedRound]).toEqual([null, -1])
    expect(votesIn(node.send(proposed(C, 2, 2, block('X', 6 * ms), 1 * ms))).map((v) => v.blockId)).toEqual(['X'])
  })
})

describe('timeouts', () => {
  test('no proposal before timeoutPropose: prevote nil (L57); stale timers are ignored', () => {
    const node = startNode(B)
    node.send(newHeight(1, set, 0))
    expect(node.send(timer('propose', 1, 1, 3_000 * ms))).toEqual([])
    expect(node.send(timer('propose', 0, 0, 3_000 * ms))).toEqual([])
    const effects = node.send(timer('propose', 1, 0, 3_000 * ms))
    expect(votesIn(effects)).toEqual([
      { type: 'prevote', height: 1, round: 0, blockId: null, timestamp: 3_000 * ms, validatorAddress: B, validatorIndex: 1 },
    ])
    expect(node.state()).toEqual({ inRound: 'prevote' })
  })

  test('+2/3 prevotes of any kind start timeoutPrevote once (L34); its expiry precommits nil (L61)', () => {
    const node = startNode(B)
    node.send(newHeight(1, set, 0))
    node.send(timer('propose', 1, 0, 3_000 * ms))
    const mixed = feed(node, 3_001 * ms, vote(A, 'prevote', 0, 'X'), vote(C, 'prevote', 0, null), vote(D, 'prevote', 0, 'Y'))
    expect(mixed).toEqual([{ type: 'setTimer', name: 'tendermint.timeout-prevote', after: 1_000 * ms, data: { height: 1, round: 0 } }])
    expect(feed(node, 3_002 * ms, vote(B, 'prevote', 0, null))).toEqual([])
    const expired = node.send(timer('prevote', 1, 0, 4_001 * ms))
    expect(votesIn(expired).map((v) => [v.type, v.blockId])).toEqual([['precommit', null]])
  })

  test('+2/3 prevotes for nil precommit nil at once (L44); +2/3 precommits start timeoutPrecommit (L47), whose expiry starts the next round (L65)', () => {
    const node = startNode(B)
    node.send(newHeight(1, set, 0))
    node.send(timer('propose', 1, 0, 3_000 * ms))
    const nil = feed(node, 3_001 * ms, vote(A, 'prevote', 0, null), vote(C, 'prevote', 0, null), vote(D, 'prevote', 0, null))
    expect(votesIn(nil).map((v) => [v.type, v.blockId])).toEqual([['precommit', null]])
    const wait = feed(node, 3_002 * ms, vote(A, 'precommit', 0, null), vote(C, 'precommit', 0, 'Z'), vote(D, 'precommit', 0, null))
    expect(wait).toEqual([{ type: 'setTimer', name: 'tendermint.timeout-precommit', after: 1_000 * ms, data: { height: 1, round: 0 } }])
    const next = node.send(timer('precommit', 1, 0, 4_002 * ms))
    expect(next).toEqual([
      { type: 'report', event: 'tendermint.round', data: { height: 1, round: 1, proposer: B } },
      { type: 'setTimer', name: 'tendermint.timeout-propose', after: 3_500 * ms, data: { height: 1, round: 1 } },
      { type: 'report', event: 'tendermint.need-proposal', data: { height: 1, round: 1, lastCommit: [] } },
    ])
  })

  test('timeouts grow with the round and are configurable', () => {
    const node = startNode(D, { propose: 100 * ms, proposeDelta: 10 * ms })
    node.send(newHeight(1, set, 0))
    const skipped = feed(node, 1 * ms, ...[A, B, C].map((v) => vote(v, 'prevote', 1, null)))
    expect(skipped.find((e) => e.type === 'setTimer')).toMatchObject({ after: 110 * ms, data: { height: 1, round: 1 } })
  })
})

describe('locking', () => {
  /** Round 0: A proposes "L", everyone prevotes it, dd locks on it; the precommits do not decide. */
  const lockedInRound0 = () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    const prevote = node.send(proposed(A, 1, 0, block('L'), 1 * ms))
    expect(votesIn(prevote).map((v) => v.blockId)).toEqual(['L'])
    const precommit = feed(node, 2 * ms, vote(A, 'prevote', 0, 'L'), vote(B, 'prevote', 0, 'L'), vote(D, 'prevote', 0, 'L'))
    expect(votesIn(precommit).map((v) => [v.type, v.blockId])).toEqual([['precommit', 'L']])
    feed(node, 3 * ms, vote(A, 'precommit', 0, null), vote(B, 'precommit', 0, null), vote(D, 'precommit', 0, 'L'))
    node.send(timer('precommit', 1, 0, 1_003 * ms))
    expect(node.context().round).toBe(1)
    return node
  }

  test('locked on L, dd prevotes nil for a fresh proposal of another value in a later round (L22)', () => {
    const node = lockedInRound0()
    const effects = node.send(proposed(B, 1, 1, block('M'), 1_004 * ms))
    expect(votesIn(effects).map((v) => [v.round, v.blockId])).toEqual([[1, null]])
  })

  test('locked on L, dd prevotes the same value L when it is proposed again', () => {
    const node = lockedInRound0()
    const effects = node.send(proposed(B, 1, 1, block('L'), 1_004 * ms))
    expect(votesIn(effects).map((v) => [v.round, v.blockId])).toEqual([[1, 'L']])
  })

  test('a polka for M in a round after the lock unlocks it through the valid round (L28)', () => {
    const node = lockedInRound0()
    node.send(proposed(B, 1, 1, block('M'), 1_004 * ms))
    // round 1 ends by precommit timeout before dd sees the prevotes for M
    feed(node, 1_005 * ms, vote(A, 'precommit', 1, null), vote(B, 'precommit', 1, null), vote(C, 'precommit', 1, null))
    node.send(timer('precommit', 1, 1, 2_505 * ms))
    expect(node.context().round).toBe(2)

    // cc re-proposes M with validRound 1: no prevote until the polka of round 1 is seen
    expect(votesIn(node.send(proposed(C, 1, 2, block('M'), 2_506 * ms, { polRound: 1 })))).toEqual([])
    feed(node, 2_507 * ms, vote(A, 'prevote', 1, 'M'), vote(B, 'prevote', 1, 'M'))
    const unlocked = feed(node, 2_508 * ms, vote(C, 'prevote', 1, 'M'))
    expect(votesIn(unlocked).map((v) => [v.round, v.type, v.blockId])).toEqual([[2, 'prevote', 'M']])
    expect(node.context().lockedValue?.blockId).toBe('L')
  })

  test('a valid round older than the lock does not unlock (L28: lockedRound ≤ vr fails)', () => {
    // dd locks on L in round 0, then on M in round 1 (L36 again: a polka for M in round 1)
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('L'), 1 * ms))
    feed(node, 2 * ms, vote(A, 'prevote', 0, 'L'), vote(B, 'prevote', 0, 'L'), vote(C, 'prevote', 0, 'L'))
    expect([node.context().lockedValue?.blockId, node.context().lockedRound]).toEqual(['L', 0])
    feed(node, 3 * ms, ...[A, B, C].map((v) => vote(v, 'prevote', 1, 'M')))
    expect(node.context().round).toBe(1)
    const relocked = node.send(proposed(B, 1, 1, block('M'), 4 * ms))
    expect(votesIn(relocked).map((v) => [v.type, v.blockId])).toEqual([['prevote', null], ['precommit', 'M']])
    expect([node.context().lockedValue?.blockId, node.context().lockedRound]).toEqual(['M', 1])
    feed(node, 5 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 1, null)))
    node.send(timer('precommit', 1, 1, 1_505 * ms))
    // cc re-proposes L from round 0, which had a polka for L: older than the lock on M
    const refused = node.send(proposed(C, 1, 2, block('L'), 1_506 * ms, { polRound: 0 }))
    expect(votesIn(refused).map((v) => [v.round, v.blockId])).toEqual([[2, null]])
  })

  test('an invalid proposal gets a nil prevote even when it has a polka', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    const effects = node.send(proposed(A, 1, 0, block('BAD'), 1 * ms, { valid: false }))
    expect(votesIn(effects).map((v) => v.blockId)).toEqual([null])
    const after = feed(node, 2 * ms, ...[A, B, C].map((v) => vote(v, 'prevote', 0, 'BAD')))
    expect(votesIn(after)).toEqual([])
    expect(node.context().lockedValue).toBeNull()
  })

  test('a polka seen after precommitting only updates the valid value (L36, step = precommit)', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    signAndFeedBack(node, node.send(timer('propose', 1, 0, 3_000 * ms)), 3_000 * ms)
    const waiting = feed(node, 3_001 * ms, vote(A, 'prevote', 0, 'V'), vote(B, 'prevote', 0, 'V'))
    expect(waiting.map((e) => e.type)).toEqual(['setTimer'])
    node.send(timer('prevote', 1, 0, 4_001 * ms))
    expect(node.state()).toEqual({ inRound: 'precommit' })
    // the polka for V completes, then its proposal arrives: too late to lock or precommit
    feed(node, 4_002 * ms, vote(C, 'prevote', 0, 'V'))
    const late = node.send(proposed(A, 1, 0, block('V'), 4_003 * ms))
    expect(votesIn(late)).toEqual([])
    expect([node.context().validValue?.blockId, node.context().validRound, node.context().lockedValue]).toEqual(['V', 0, null])
  })

  test('the proposer of a later round re-proposes its valid value with its valid round (L15–16)', () => {
    const node = startNode(B)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('V', 7 * ms), 1 * ms))
    feed(node, 2 * ms, ...[A, C, D].map((v) => vote(v, 'prevote', 0, 'V')))
    feed(node, 3 * ms, ...[A, C, D].map((v) => vote(v, 'precommit', 0, null)))
    const round1 = node.send(timer('precommit', 1, 0, 1_003 * ms))
    expect(reports(round1, 'tendermint.need-proposal')).toEqual([])
    expect(proposalsIn(round1).map((p) => [p.round, p.polRound, p.blockId])).toEqual([[1, 0, 'V']])
  })
})

describe('deciding', () => {
  test('+2/3 precommits of an earlier round decide in a later round (L49)', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('E', 9 * ms), 1 * ms))
    feed(node, 2 * ms, ...[A, B, C].map((v) => vote(v, 'prevote', 1, null)))
    expect(node.context().round).toBe(1)
    feed(node, 3 * ms, vote(A, 'precommit', 0, 'E'), vote(B, 'precommit', 0, 'E'))
    const decided = feed(node, 4 * ms, vote(C, 'precommit', 0, 'E'))
    expect(reports(decided, 'tendermint.commit')).toMatchObject([{ height: 1, round: 0, blockId: 'E', blockTime: 9 * ms }])
    expect(node.state()).toBe('commit')
  })

  test('no decision without the block, nor for an invalid one', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    feed(node, 1 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 0, 'E')))
    expect(node.state()).toEqual({ inRound: 'propose' })
    node.send(proposed(A, 1, 0, block('E'), 2 * ms, { valid: false }))
    expect(node.state()).toEqual({ inRound: 'prevote' })
    expect(node.context().decision).toBeNull()
  })

  test('the block may come from the proposal of another round', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('E'), 1 * ms))
    feed(node, 2 * ms, ...[A, B, C].map((v) => vote(v, 'prevote', 1, null)))
    const decided = feed(node, 3 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 1, 'E')))
    expect(reports(decided, 'tendermint.commit')).toMatchObject([{ round: 1, blockId: 'E' }])
  })
})

describe('round skip (L55, as in the paper)', () => {
  test('a third of the power in a higher round is not enough; more than a third is', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    expect(feed(node, 1 * ms, vote(A, 'prevote', 3, 'X'))).toEqual([])
    const skipped = feed(node, 2 * ms, vote(B, 'prevote', 3, null))
    expect(skipped).toEqual([
      { type: 'report', event: 'tendermint.round', data: { height: 1, round: 3, proposer: D } },
      { type: 'setTimer', name: 'tendermint.timeout-propose', after: 4_500 * ms, data: { height: 1, round: 3 } },
      { type: 'report', event: 'tendermint.need-proposal', data: { height: 1, round: 3, lastCommit: [] } },
    ])
    expect(node.state()).toEqual({ inRound: 'propose' })
  })

  test('+2/3 precommits of any kind for a higher round skip there and start its timeoutPrecommit', () => {
    const node = startNode(C)
    node.send(newHeight(1, set, 0))
    const skipped = feed(node, 1 * ms, vote(A, 'precommit', 1, null), vote(B, 'precommit', 1, 'X'), vote(D, 'precommit', 1, null))
    expect(reports(skipped, 'tendermint.round').at(-1)).toEqual({ height: 1, round: 1, proposer: B })
    expect(skipped.at(-1)).toEqual({ type: 'setTimer', name: 'tendermint.timeout-precommit', after: 1_500 * ms, data: { height: 1, round: 1 } })
  })

  test('one validator cannot open more than two rounds ahead', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    feed(node, 1 * ms, vote(A, 'prevote', 5, null), vote(A, 'prevote', 6, null))
    expect(feed(node, 2 * ms, vote(A, 'prevote', 7, null))).toEqual([{ type: 'count', metric: 'tendermint.votes.unwanted-round' }])
  })
})

describe('proposals', () => {
  test('only the round proposer may propose; a later round may be proposed early and is used when the round comes', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    expect(node.send(proposed(B, 1, 0, block('W'), 1 * ms))).toEqual([
      { type: 'count', metric: 'tendermint.proposals.wrong-proposer' },
    ])
    expect(node.send(proposed(B, 1, 1, block('N'), 2 * ms))).toEqual([])
    node.send(timer('propose', 1, 0, 3_000 * ms))
    feed(node, 3_001 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 0, null)))
    const round1 = node.send(timer('precommit', 1, 0, 4_001 * ms))
    expect(votesIn(round1).map((v) => [v.round, v.blockId])).toEqual([[1, 'N']])
  })

  test('the first proposal of a proposer for a round stands', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('P1'), 1 * ms))
    expect(node.send(proposed(A, 1, 0, block('P2'), 2 * ms))).toEqual([])
    expect(node.context().proposals.get(0)?.get(A)?.proposal.blockId).toBe('P1')
  })

  test('a proposal value arriving after the round moved on is dropped', () => {
    const node = startNode(A)
    node.send(newHeight(1, set, 0))
    node.send(timer('propose', 1, 0, 3_000 * ms))
    expect(node.send({ type: 'tendermint.proposal-value', now: 3_001 * ms, height: 1, round: 0, value: block('late') })).toEqual([])
  })
})

describe('evidence', () => {
  test('two prevotes of one validator in a round become DuplicateVoteEvidence at the decision, with the block time', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('G', 42 * ms), 1 * ms))
    const first = vote(B, 'prevote', 0, 'G')
    const second = { ...vote(B, 'prevote', 0, 'H'), timestamp: 5 }
    feed(node, 2 * ms, first)
    expect(feed(node, 3 * ms, second, second)).toEqual([])
    const decided = feed(node, 4 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 0, 'G')))
    expect(reports(decided, 'tendermint.evidence')).toEqual([
      { voteA: first, voteB: second, totalVotingPower: 40n, validatorPower: 10n, timestamp: 42 * ms },
    ])
  })

  test('a conflicting late precommit of the previous height is reported at once', () => {
    const node = startNode(D, { commit: 0 })
    node.send(newHeight(1, set, 0))
    node.send(proposed(A, 1, 0, block('G', 42 * ms), 1 * ms))
    feed(node, 2 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 0, 'G')))
    node.send(newHeight(2, set, 3 * ms))
    const effects = feed(node, 4 * ms, vote(C, 'precommit', 0, null))
    expect(reports(effects, 'tendermint.evidence')).toMatchObject([{ voteA: { blockId: null }, voteB: { blockId: 'G' }, timestamp: 42 * ms }])
  })
})

describe('hosting', () => {
  test('a node outside the validator set follows the rounds without voting or proposing', () => {
    const node = startNode('ee')
    node.send(newHeight(1, set, 0))
    expect(votesIn(node.send(timer('propose', 1, 0, 3_000 * ms)))).toEqual([])
    const decided = (() => {
      node.send(proposed(A, 1, 0, block('F'), 3_001 * ms))
      return feed(node, 3_002 * ms, ...[A, B, C].map((v) => vote(v, 'precommit', 0, 'F')))
    })()
    expect(reports(decided, 'tendermint.commit')).toHaveLength(1)
  })

  test('votes from unknown validators or with a wrong index are counted and dropped', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    expect(feed(node, 1 * ms, { ...vote(A, 'prevote', 0, null), validatorIndex: 2 })).toEqual([
      { type: 'count', metric: 'tendermint.votes.unknown-validator' },
    ])
    expect(node.context().votes.rounds).toHaveLength(0)
  })

  test('a new height jumps over an undecided one (catch-up) and starts at once', () => {
    const node = startNode(D)
    node.send(newHeight(1, set, 0))
    const effects = node.send(newHeight(5, set, 10 * ms))
    expect(effects.slice(0, 3).map((e) => e.type)).toEqual(['cancelTimer', 'cancelTimer', 'cancelTimer'])
    expect(reports(effects, 'tendermint.round')).toEqual([{ height: 5, round: 0, proposer: A }])
    expect(node.send(newHeight(4, set, 11 * ms))).toEqual([])
  })

  test('determinism: the same events give the same effects', () => {
    const script = (node: Node) => {
      node.send(newHeight(1, set, 0))
      const proposal = node.send({ type: 'tendermint.proposal-value', now: 1 * ms, height: 1, round: 0, value: block('D1', 1) })
      const prevoted = signAndFeedBack(node, proposal, 2 * ms, 1)
      feed(node, 3 * ms, vote(B, 'prevote', 0, 'D1'), vote(C, 'prevote', 1, null), vote(C, 'prevote', 0, 'D1'))
      const precommitted = signAndFeedBack(node, prevoted, 4 * ms)
      signAndFeedBack(node, precommitted, 5 * ms)
      feed(node, 6 * ms, vote(B, 'precommit', 0, 'D1'), vote(C, 'precommit', 0, 'D1'))
      node.send(newHeight(2, set, 7 * ms))
      node.send(timer('commit', 2, 0, 1_006 * ms))
      return node.log
    }
    const first = script(startNode(A))
    expect(script(startNode(A))).toEqual(first)
    expect(reports(first, 'tendermint.commit')).toHaveLength(1)
  })
})
