import { beforeAll, describe, expect, test } from 'vitest'
import { CatchUp, SYNC_REQUEST_TIMEOUT } from '../../../src/actors/validator/catchUp.ts'
import type { ChainState } from '../../../src/actors/validator/chainState.ts'
import { timerOwner, VALIDATOR_TIMER } from '../../../src/actors/validator/timers.ts'
import { validatorActor } from '../../../src/actors/validator/validatorActor.ts'
import type { ActorToolkit } from '../../../src/actors/common/toolkit.ts'
import { PERIOD_TIMER, PING_TIMEOUT_TIMER, SUSPICION_TIMER_PREFIX, type MemberStatus } from '../../../src/protocols/membership/index.ts'
import { TIMER } from '../../../src/protocols/tendermint/index.ts'
import { fault } from '../../support/simHarness.ts'
import { agreedHeight, runValidators, validatorNames, validatorParams } from './validatorSim.ts'

const SECOND = 1_000_000

describe('timers', () => {
  test('membership, consensus and the validator name their timers apart, so each fired timer has one owner', () => {
    for (const name of [PERIOD_TIMER, PING_TIMEOUT_TIMER, `${SUSPICION_TIMER_PREFIX}validator-1`]) expect(timerOwner(name), name).toBe('membership')
    for (const name of Object.values(TIMER)) expect(timerOwner(name), name).toBe('consensus')
    for (const name of [VALIDATOR_TIMER.gossip, VALIDATOR_TIMER.evidenceGossip, `${VALIDATOR_TIMER.delayedPrefix}tendermint.vote:3:0:7`]) {
      expect(timerOwner(name), name).toBe('validator')
    }
  })
})

describe('catching up with the peers membership holds alive', () => {
  /** A validator at height 0 whose block requests are written down rather than sent. */
  const catchUpWith = (statuses: Map<string, MemberStatus>) => {
    const asked: { peer: string; from: number; max: number }[] = []
    const clock = { now: 0 }
    const tk = {
      clock: { now: () => clock.now },
      log: { log: () => {} },
      transport: { request: (peer: string, _kind: string, body: { from: number; max: number }) => void asked.push({ peer, ...body }) },
    } as unknown as ActorToolkit
    const catchUp = new CatchUp(tk, { height: 0 } as ChainState, undefined as never, {
      chainId: 'c',
      verify: () => true,
      extensionChecks: () => undefined,
      isLive: (peer) => (statuses.get(peer) ?? 'alive') === 'alive',
      apply: () => {},
    })
    return { catchUp, asked, clock }
  }

  test('a suspect peer is asked only while no live peer has the blocks', () => {
    const { catchUp, asked, clock } = catchUpWith(new Map([['validator-1', 'suspect']]))
    catchUp.peerAt('validator-1', 40)
    expect(asked.map((r) => r.peer)).toEqual(['validator-1', 'validator-1', 'validator-1'])
    catchUp.peerAt('validator-2', 40)
    // Unanswered, the requests time out: they go to the live peer, not round robin to both.
    clock.now = SYNC_REQUEST_TIMEOUT
    catchUp.requestMissing()
    expect(asked.slice(3).map((r) => [r.peer, r.from])).toEqual([
      ['validator-2', 1],
      ['validator-2', 17],
      ['validator-2', 33],
    ])
  })

  test('a peer declared dead gives back what was asked of it, at once and to a live peer', () => {
    const statuses = new Map<string, MemberStatus>()
    const { catchUp, asked } = catchUpWith(statuses)
    catchUp.peerAt('validator-1', 40)
    catchUp.peerAt('validator-2', 40)
    expect(asked.map((r) => [r.peer, r.from])).toEqual([
      ['validator-1', 1],
      ['validator-1', 17],
      ['validator-1', 33],
    ])
    statuses.set('validator-1', 'dead')
    catchUp.peerDead('validator-1')
    expect(asked.slice(3).map((r) => [r.peer, r.from])).toEqual([
      ['validator-2', 1],
      ['validator-2', 17],
      ['validator-2', 33],
    ])
  })
})

describe('validators running membership', () => {
  // validator-4 crashes for good; validator-3 crashes for 20 s, then catches up. The three
  // others hold 60 of 80 power, above two thirds, so the chain goes on throughout.
  const params = validatorParams({ timeouts: { commit: '300ms' }, powers: { 'validator-0': 20, 'validator-1': 20, 'validator-2': 20 } })
  const RESTART = 28 * SECOND
  let run: ReturnType<typeof runValidators>
  beforeAll(() => {
    run = runValidators(
      validatorNames(5).map(() => validatorActor(params)),
      {
        duration: 50 * SECOND,
        faults: [fault(5 * SECOND, { type: 'crash', node: 'validator-4' }), fault(8 * SECOND, { type: 'crash', node: 'validator-3' }, 20 * SECOND)],
      },
    )
  })

  test('the chain goes on, and the crashed validator’s peers declare it dead while the restarted one is alive again', () => {
    const { reported, commits, figures } = run
    expect(agreedHeight(new Map([...commits].filter(([name]) => name !== 'validator-4')))).toBeGreaterThan(40)
    for (const name of validatorNames(4)) expect(figures(name), name).toMatchObject({ peersAlive: 4, peersSuspect: 0, peersDead: 1 })
    const deaths = reported.filter((r) => r.event === 'membership.status' && (r.data as { member: string; status: string }).status === 'dead')
    for (const name of validatorNames(3)) {
      const seen = deaths.filter((r) => r.actor === name).map((r) => (r.data as { member: string }).member)
      expect(seen, name).toContain('validator-4')
      expect(seen, name).toContain('validator-3')
    }
  })

  test('the restarted validator catches up by asking live peers for blocks, never the dead one', () => {
    const { recorder, figures } = run
    expect(figures('validator-3')['syncedBlocks']).toBeGreaterThan(0)
    const asked = recorder.events().filter((e) => e.kind === 'chain.get-blocks' && e.from === 'validator-3' && e.at >= RESTART)
    expect(asked.length).toBeGreaterThan(0)
    expect(new Set(asked.map((e) => e.to))).not.toContain('validator-4')
  })
})
