import { fc, test as propTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { Schema } from 'effect'
import { defaultMembershipParams, membershipCounts, membershipKinds, membershipView, type MembershipParams } from '../../../src/protocols/membership/index.ts'
import type { MemberUpdate } from '../../../src/protocols/membership/index.ts'
import { counted, Driver, sends, statusReports, type WireBody } from './driver.ts'

const T = defaultMembershipParams.protocolPeriod
const MEMBERS = ['d', 'f', 'a', 'c', 'e', 'b'] // any order: the machine sorts them

const node = (params: MembershipParams = defaultMembershipParams, seed = 42) => {
  const driver = new Driver({ self: 'a', members: MEMBERS, params, seed })
  driver.start()
  return driver
}

const body = (seq: number, updates: WireBody['updates'] = [], incarnation = 0): WireBody => ({ seq, incarnation, updates })

/** Fires the period timer and returns this period's probe. */
const probe = (d: Driver) => {
  const effects = d.fire('membership.period')
  const pings = sends(effects, 'membership.ping')
  const regular = pings[0]!
  return { effects, target: regular.to, seq: regular.body.seq, pings }
}

/** A period whose probe is acked at once. */
const healthyPeriod = (d: Driver) => {
  const p = probe(d)
  d.receive('membership.ack', p.target, body(p.seq))
  return p
}

describe('membership machine: probing', () => {
  test('does nothing before start, and on start only sets the period timer, at a random phase within one period', () => {
    const d = new Driver({ self: 'a', members: MEMBERS, params: defaultMembershipParams, seed: 1 })
    expect(d.receive('membership.ping', 'b', body(0))).toEqual([])
    const effects = d.start()
    expect(effects).toHaveLength(1)
    const [timer] = effects
    expect(timer).toMatchObject({ type: 'setTimer', name: 'membership.period' })
    if (timer?.type === 'setTimer') {
      expect(timer.after).toBeGreaterThanOrEqual(0)
      expect(timer.after).toBeLessThan(T)
    }
  })

  test('each period pings exactly one other member, arms the ping timeout, and re-arms the period', () => {
    const d = node()
    const { effects, target, seq } = probe(d)
    expect(sends(effects)).toHaveLength(1)
    expect(target).not.toBe('a')
    expect(MEMBERS).toContain(target)
    expect(effects).toContainEqual({ type: 'setTimer', name: 'membership.ping-timeout', after: defaultMembershipParams.pingTimeout, data: { seq } })
    expect(effects).toContainEqual({ type: 'setTimer', name: 'membership.period', after: T })
    expect(counted(effects, 'membership.probes')).toBe(1)
  })

  test('probes every other member once per pass', () => {
    const d = node()
    const targets = Array.from({ length: 10 }, () => healthyPeriod(d).target)
    expect(targets.slice(0, 5).sort()).toEqual(['b', 'c', 'd', 'e', 'f'])
    expect(targets.slice(5).sort()).toEqual(['b', 'c', 'd', 'e', 'f'])
  })

  test('an ack before the timeout cancels it and nobody is suspected', () => {
    const d = node()
    const { target, seq } = probe(d)
    const onAck = d.receive('membership.ack', target, body(seq))
    expect(onAck).toContainEqual({ type: 'cancelTimer', name: 'membership.ping-timeout' })
    expect(sends(onAck)).toEqual([])
    const next = d.fire('membership.period')
    expect(statusReports(next)).toEqual([])
    expect(counted(next, 'membership.suspicions')).toBe(0)
  })

  test('a timed-out ping asks k random other members to probe the target', () => {
    const d = node()
    const { target, seq } = probe(d)
    const effects = d.fire('membership.ping-timeout')
    const requests = sends(effects, 'membership.ping-req')
    expect(requests).toHaveLength(defaultMembershipParams.indirectProbes)
    const helpers = requests.map((r) => r.to)
    expect(new Set(helpers).size).toBe(helpers.length)
    expect(helpers).not.toContain(target)
    expect(helpers).not.toContain('a')
    for (const r of requests) expect(r.body).toMatchObject({ seq, target })
    expect(sends(effects)).toHaveLength(requests.length)
  })

  test('no ack by the end of the period: the target is suspected and its suspicion timer starts', () => {
    const d = node()
    const { target } = probe(d)
    d.fire('membership.ping-timeout')
    const effects = d.fire('membership.period')
    expect(statusReports(effects)).toEqual([{ member: target, status: 'suspect', incarnation: 0 }])
    expect(counted(effects, 'membership.suspicions')).toBe(1)
    expect(effects).toContainEqual({
      type: 'setTimer',
      name: `membership.suspicion:${target}`,
      after: defaultMembershipParams.suspicionTimeout * T,
      data: { incarnation: 0 },
    })
  })

  test('an ack relayed by a helper saves the target', () => {
    const d = node()
    const { target, seq } = probe(d)
    const helper = sends(d.fire('membership.ping-timeout'), 'membership.ping-req')[0]!.to
    d.receive('membership.ack', helper, body(seq))
    expect(statusReports(d.fire('membership.period')).filter((r) => r.member === target)).toEqual([])
  })

  test('a late direct ack (after the timeout) still saves the target', () => {
    const d = node()
    const { target, seq } = probe(d)
    d.fire('membership.ping-timeout')
    const late = d.receive('membership.ack', target, body(seq))
    expect(late.filter((e) => e.type === 'cancelTimer')).toEqual([])
    expect(statusReports(d.fire('membership.period'))).toEqual([])
  })

  test('an ack for another sequence number does not count as the probe answer', () => {
    const d = node()
    const { target, seq } = probe(d)
    d.receive('membership.ack', target, body(seq + 100))
    d.fire('membership.ping-timeout')
    expect(statusReports(d.fire('membership.period'))).toEqual([{ member: target, status: 'suspect', incarnation: 0 }])
  })
})

describe('membership machine: suspicion, death and refutation', () => {
  const suspectOne = () => {
    const d = node()
    const { target } = probe(d)
    d.fire('membership.ping-timeout')
    d.fire('membership.period')
    return { d, suspect: target }
  }

  test('a suspect that stays silent for the suspicion timeout is declared dead', () => {
    const { d, suspect } = suspectOne()
    const effects = d.fire(`membership.suspicion:${suspect}`)
    expect(statusReports(effects)).toEqual([{ member: suspect, status: 'dead', incarnation: 0 }])
    expect(counted(effects, 'membership.deaths')).toBe(1)
    expect(membershipView(d.snapshot).find((m) => m.member === suspect)).toEqual({ member: suspect, status: 'dead', incarnation: 0 })
  })

  test('hearing the suspect alive at a higher incarnation makes it alive again and stops its timer', () => {
    const { d, suspect } = suspectOne()
    const other = ['b', 'c'].find((m) => m !== suspect)!
    const effects = d.receive('membership.ping', other, body(9, [{ member: suspect, status: 'alive', incarnation: 1 }]))
    expect(statusReports(effects)).toEqual([{ member: suspect, status: 'alive', incarnation: 1 }])
    expect(effects).toContainEqual({ type: 'cancelTimer', name: `membership.suspicion:${suspect}` })
    expect(d.pending(`membership.suspicion:${suspect}`)).toBeUndefined()
  })

  test('a message from the suspect itself at a higher incarnation is a refutation too', () => {
    const { d, suspect } = suspectOne()
    expect(statusReports(d.receive('membership.ping', suspect, body(3, [], 1)))).toEqual([{ member: suspect, status: 'alive', incarnation: 1 }])
  })

  test('alive news at the same incarnation does not clear a suspicion', () => {
    const { d, suspect } = suspectOne()
    expect(statusReports(d.receive('membership.ping', suspect, body(3, [{ member: suspect, status: 'alive', incarnation: 0 }], 0)))).toEqual([])
    expect(d.pending(`membership.suspicion:${suspect}`)).toBeDefined()
  })

  test('a stale suspicion timer (the member refuted and was suspected again) does not kill', () => {
    const { d, suspect } = suspectOne()
    const timer = d.pending(`membership.suspicion:${suspect}`)!
    d.receive('membership.ping', suspect, body(3, [], 1))
    d.receive('membership.ping', 'b' === suspect ? 'c' : 'b', body(4, [{ member: suspect, status: 'suspect', incarnation: 1 }]))
    const stale = d.feed({ type: 'timer', now: d.now, name: `membership.suspicion:${suspect}`, data: timer.data })
    expect(statusReports(stale)).toEqual([])
  })

  test('a probe of a suspect member tells it that it is suspected, first thing', () => {
    const { d, suspect } = suspectOne()
    let ping
    for (let i = 0; i < 12 && ping === undefined; i++) {
      const p = probe(d)
      if (p.target === suspect) ping = p.pings[0]
      else d.receive('membership.ack', p.target, body(p.seq))
    }
    expect(ping?.body.updates[0]).toEqual({ member: suspect, status: 'suspect', incarnation: 0 })
  })

  test('hearing itself suspected, it refutes with incarnation + 1 on its very answer and after', () => {
    const d = node()
    const effects = d.receive('membership.ping', 'b', body(5, [{ member: 'a', status: 'suspect', incarnation: 0 }]))
    const [ack] = sends(effects, 'membership.ack')
    expect(ack).toMatchObject({ to: 'b', body: { seq: 5, incarnation: 1 } })
    expect(ack!.body.updates).toContainEqual({ member: 'a', status: 'alive', incarnation: 1 })
    expect(counted(effects, 'membership.refutations')).toBe(1)
    expect(statusReports(effects)).toEqual([{ member: 'a', status: 'alive', incarnation: 1 }])
    const next = probe(d).pings[0]!
    expect(next.body.incarnation).toBe(1)
    expect(next.body.updates).toContainEqual({ member: 'a', status: 'alive', incarnation: 1 })
  })

  test('hearing itself declared dead at a higher incarnation, it jumps past it', () => {
    const d = node()
    const [ack] = sends(d.receive('membership.ping', 'b', body(5, [{ member: 'a', status: 'dead', incarnation: 4 }])), 'membership.ack')
    expect(ack!.body.incarnation).toBe(5)
  })
})

describe('membership machine: dead members and partitions', () => {
  const withDead = (dead: string) => {
    const d = node()
    const other = dead === 'b' ? 'c' : 'b'
    expect(statusReports(d.receive('membership.ping', other, body(0, [{ member: dead, status: 'dead', incarnation: 0 }])))).toEqual([
      { member: dead, status: 'dead', incarnation: 0 },
    ])
    return d
  }

  test('a dead member leaves the rotation and is pinged once every deadProbeEvery periods, told it is dead', () => {
    const d = withDead('e')
    const pingsToE: WireBody[] = []
    let deadProbes = 0
    for (let period = 1; period <= 10; period++) {
      const p = probe(d)
      d.receive('membership.ack', p.target, body(p.seq))
      expect(p.target).not.toBe('e')
      pingsToE.push(...p.pings.filter((s) => s.to === 'e').map((s) => s.body))
      deadProbes += counted(p.effects, 'membership.dead-probes')
    }
    expect(pingsToE).toHaveLength(2) // periods 5 and 10
    expect(deadProbes).toBe(2)
    for (const ping of pingsToE) expect(ping.updates[0]).toEqual({ member: 'e', status: 'dead', incarnation: 0 })
  })

  test('a dead member that answers with a higher incarnation is alive again and back in the rotation', () => {
    const d = withDead('e')
    expect(statusReports(d.receive('membership.ack', 'e', body(999, [], 1)))).toEqual([{ member: 'e', status: 'alive', incarnation: 1 }])
    const targets = Array.from({ length: 5 }, () => healthyPeriod(d).target)
    expect(targets).toContain('e')
  })

  test('a member it believes dead that pings it is told so in the ack, so that it can refute', () => {
    const d = withDead('e')
    const [ack] = sends(d.receive('membership.ping', 'e', body(3)), 'membership.ack')
    expect(ack!.body.updates[0]).toEqual({ member: 'e', status: 'dead', incarnation: 0 })
  })
})

describe('membership machine: helping and gossip', () => {
  test('serves a ping-req: pings the target and relays its ack under the requester\'s sequence number', () => {
    const d = node()
    const [ping] = sends(d.receive('membership.ping-req', 'b', { seq: 7, incarnation: 0, target: 'c', updates: [] }))
    expect(ping).toMatchObject({ to: 'c', kind: 'membership.ping' })
    expect(sends(d.receive('membership.ack', 'c', body(ping!.body.seq + 1)))).toEqual([]) // not that ping's ack
    const [relayed] = sends(d.receive('membership.ack', 'c', body(ping!.body.seq)))
    expect(relayed).toMatchObject({ to: 'b', kind: 'membership.ack', body: { seq: 7 } })
    expect(sends(d.receive('membership.ack', 'c', body(ping!.body.seq)))).toEqual([]) // relayed once
  })

  test('news it learns rides on its next messages, λ·⌈log2(n + 1)⌉ times in all', () => {
    const d = node()
    const news = { member: 'c', status: 'alive', incarnation: 1 } as const
    let carried = sends(d.receive('membership.ping', 'b', body(0, [news])))
      .flatMap((s) => s.body.updates)
      .filter((u) => u.member === 'c').length
    for (let i = 0; i < 40; i++) {
      const p = probe(d)
      carried += p.pings.flatMap((s) => s.body.updates).filter((u) => u.member === 'c').length
      d.receive('membership.ack', p.target, body(p.seq))
    }
    expect(carried).toBe(3 * Math.ceil(Math.log2(6 + 1)))
  })

  test('never piggybacks more than maxPiggyback updates', () => {
    const d = node({ ...defaultMembershipParams, maxPiggyback: 2 })
    const updates = ['b', 'c', 'd', 'e'].map((member) => ({ member, status: 'alive', incarnation: 3 }) as const)
    const [ack] = sends(d.receive('membership.ping', 'f', body(0, updates)))
    expect(ack!.body.updates).toHaveLength(2)
  })

  test('messages from outside the member list are dropped and counted', () => {
    const d = node()
    const effects = d.receive('membership.ping', 'stranger', body(0, [{ member: 'b', status: 'dead', incarnation: 9 }]))
    expect(sends(effects)).toEqual([])
    expect(statusReports(effects)).toEqual([])
    expect(counted(effects, 'membership.unknown-sender')).toBe(1)
  })

  test('view and counts queries', () => {
    const d = node()
    d.receive('membership.ping', 'b', body(0, [{ member: 'c', status: 'suspect', incarnation: 2 }, { member: 'd', status: 'dead', incarnation: 0 }]))
    expect(membershipView(d.snapshot)).toEqual([
      { member: 'a', status: 'alive', incarnation: 0 },
      { member: 'b', status: 'alive', incarnation: 0 },
      { member: 'c', status: 'suspect', incarnation: 2 },
      { member: 'd', status: 'dead', incarnation: 0 },
      { member: 'e', status: 'alive', incarnation: 0 },
      { member: 'f', status: 'alive', incarnation: 0 },
    ])
    expect(membershipCounts(d.snapshot)).toEqual({ alive: 4, suspect: 1, dead: 1 })
  })
})

describe('membership machine: determinism', () => {
  type Step =
    | { readonly kind: 'timer'; readonly which: number }
    | { readonly kind: 'message'; readonly type: 'membership.ping' | 'membership.ack' | 'membership.ping-req'; readonly from: string; readonly seq: number; readonly incarnation: number; readonly updates: WireBody['updates']; readonly target: string }

  const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('timer' as const), which: fc.nat(10) }),
    fc.record({
      kind: fc.constant('message' as const),
      type: fc.constantFrom('membership.ping' as const, 'membership.ack' as const, 'membership.ping-req' as const),
      from: member,
      seq: fc.nat(20),
      incarnation: fc.nat(3),
      updates: fc.array(fc.record({ member, status: fc.constantFrom('alive' as const, 'suspect' as const, 'dead' as const), incarnation: fc.nat(3) }), { maxLength: 3 }),
      target: member,
    }),
  )

  /** Plays a script against a fresh node; timers fire in due order, like a host would. */
  const play = (seed: number, script: readonly Step[]) => {
    const d = node(defaultMembershipParams, seed)
    const pendingTimers = (names: readonly string[]) => names.filter((n) => d.pending(n) !== undefined)
    for (const step of script) {
      if (step.kind === 'timer') {
        const names = pendingTimers(['membership.period', 'membership.ping-timeout', ...['b', 'c', 'd', 'e', 'f'].map((m) => `membership.suspicion:${m}`)])
        const due = names.sort((x, y) => d.pending(x)!.at - d.pending(y)!.at || x.localeCompare(y))
        if (due.length > 0) d.fire(due[step.which % due.length]!)
      } else {
        d.receive(step.type, step.from, { seq: step.seq, incarnation: step.incarnation, updates: step.updates, ...(step.type === 'membership.ping-req' ? { target: step.target } : {}) })
      }
    }
    return d
  }

  propTest.prop([fc.integer(), fc.array(stepArb, { maxLength: 60 })])('the same input and events give the same effects', (seed, script) => {
    expect(play(seed, script).all).toEqual(play(seed, script).all)
  })

  propTest.prop([fc.integer(), fc.array(stepArb, { maxLength: 60 })])('every message it sends passes its kind\'s schema', (seed, script) => {
    for (const message of sends(play(seed, script).all)) expect(Schema.is(membershipKinds[message.kind]!)(message.body)).toBe(true)
  })

  propTest.prop([fc.integer(), fc.array(stepArb, { maxLength: 60 })])('status reports always describe the current view, and self is never reported down', (seed, script) => {
    const d = play(seed, script)
    const latest = new Map<string, MemberUpdate>()
    for (const report of statusReports(d.all)) {
      if (report.member === 'a') expect(report.status).toBe('alive')
      latest.set(report.member, report)
    }
    for (const entry of membershipView(d.snapshot)) {
      const reported = latest.get(entry.member)
      expect(reported ?? { member: entry.member, status: 'alive', incarnation: 0 }).toEqual(entry)
    }
  })

  test('different seeds probe in different orders', () => {
    const order = (seed: number) => {
      const d = node(defaultMembershipParams, seed)
      return Array.from({ length: 5 }, () => healthyPeriod(d).target).join()
    }
    expect(new Set([1, 2, 3, 4, 5].map(order)).size).toBeGreaterThan(1)
  })
})
