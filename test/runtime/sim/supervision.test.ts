import { describe, expect, it } from 'vitest'
import type { SupervisorSpec } from '../../../src/runtime/supervisor.ts'
import { fault, networkModel, nodeOf, simulate } from '../../support/simHarness.ts'
import { bomber, pinger } from '../../support/testActors.ts'

const spec = (overrides: Partial<SupervisorSpec> = {}): SupervisorSpec => ({
  strategy: 'one-for-one',
  maxRestarts: 3,
  within: 10_000_000,
  backoff: { initial: 100_000, max: 1_000_000, factor: 2, jitter: 0.2 },
  ...overrides,
})

const restartTimes = (events: readonly { type: string; kind: string; at: number; to: string }[], node: string) =>
  events.filter((e) => e.type === 'timer' && e.kind === 'supervisor.restart' && e.to === node).map((e) => e.at)

describe('supervision', () => {
  it('one-for-one restarts only the actor that crashed', () => {
    const { sim } = simulate({
      nodes: [nodeOf('a', pinger(), spec(), [pinger()]), nodeOf('b', bomber('a', [1_000_000]))],
      duration: 3_000_000,
    })
    const a = sim.node('a')!
    expect(a.status).toBe('up')
    expect(a.restarts).toBe(1)
    expect(sim.logs.some((l) => l.message.startsWith('restarting a in'))).toBe(true)
  })

  it('one-for-all restarts every actor of the node', () => {
    const { sim } = simulate({
      nodes: [nodeOf('a', pinger(), spec({ strategy: 'one-for-all' }), [pinger()]), nodeOf('b', bomber('a', [1_000_000]))],
      duration: 3_000_000,
    })
    expect(sim.node('a')!.restarts).toBe(2)
    expect(sim.logs.some((l) => l.message.startsWith('restarting a, a/1 in'))).toBe(true)
  })

  it('waits an exponentially growing, jittered delay between consecutive restarts', () => {
    const booms = [1_000_000, 2_000_000, 3_000_000]
    const { recorder } = simulate({ nodes: [nodeOf('a', pinger(), spec()), nodeOf('b', bomber('a', booms))], duration: 5_000_000 })
    const events = recorder.events()
    const crashes = events.filter((e) => e.type === 'deliver' && e.kind === 'test.boom').map((e) => e.at)
    const restarts = restartTimes(events, 'a')
    expect(restarts).toHaveLength(3)
    restarts.forEach((at, i) => {
      const delay = at - crashes[i]!
      const base = 100_000 * 2 ** i
      expect(delay).toBeGreaterThanOrEqual(base * 0.8)
      expect(delay).toBeLessThanOrEqual(base * 1.2)
    })
  })

  it('gives up (escalates) when restarts exceed the intensity limit, and a restart fault revives it', () => {
    const booms = [1_000_000, 1_500_000, 2_000_000, 2_500_000]
    const { sim } = simulate({
      nodes: [nodeOf('a', pinger(), spec()), nodeOf('b', bomber('a', booms))],
      faults: [fault(6_000_000, { type: 'restart', node: 'a' })],
      duration: 5_000_000,
    })
    expect(sim.node('a')!.status).toBe('failed')
    sim.run({ until: 7_000_000 })
    expect(sim.node('a')!.status).toBe('up')
  })

  it('does not escalate when failures are spread wider than the window', () => {
    const booms = [1_000_000, 12_000_000, 23_000_000, 34_000_000, 45_000_000]
    const { sim } = simulate({ nodes: [nodeOf('a', pinger(), spec()), nodeOf('b', bomber('a', booms))], duration: 50_000_000 })
    expect(sim.node('a')!.status).toBe('up')
    expect(sim.node('a')!.restarts).toBe(5)
  })

  it('an actor that fails to start counts as a failure and is retried', () => {
    let attempts = 0
    const { sim } = simulate({ nodes: [nodeOf('a', pinger({ crashOnStart: () => ++attempts < 3 }), spec())], duration: 2_000_000 })
    expect(attempts).toBe(3)
    expect(sim.node('a')!.status).toBe('up')
  })
})

describe('durable state across crashes', () => {
  const run = (syncEvery: number, loseUnsynced: boolean) => {
    const { sim } = simulate({
      nodes: [nodeOf('a', pinger({ syncEvery })), nodeOf('b', pinger({ target: 'a', every: 10_000 }))],
      faults: [
        ...(loseUnsynced ? [] : [fault(0, { type: 'storage', node: 'a', loseUnsyncedOnCrash: false })]),
        fault(1_001_500, { type: 'crash', node: 'a' }),
        fault(1_500_000, { type: 'restart', node: 'a' }),
      ],
      duration: 2_000_000,
    })
    return sim.node('a')!.hosts[0]!.figures()
  }

  it('a restarted actor resumes from what it had synced', () => {
    const figures = run(1, true)
    expect(figures['startedWith']).toBe(100)
  })

  it('writes not yet synced are lost on a crash', () => {
    expect(run(1_000, true)['startedWith']).toBe(0)
    expect(run(30, true)['startedWith']).toBe(90)
  })

  it('unless the storage fault model keeps them', () => {
    expect(run(1_000, false)['startedWith']).toBe(100)
  })
})

describe('mailbox', () => {
  it('while a node is paused, its bounded mailbox keeps the oldest messages and drops (and counts) the rest', () => {
    const { sim, recorder } = simulate({
      nodes: [nodeOf('a', pinger()), nodeOf('b', pinger({ target: 'a', every: 10_000 }))],
      network: networkModel({ mailbox: { capacity: 10, overflow: 'drop-newest' } }),
      faults: [fault(1_001_500, { type: 'pause', node: 'a' }), fault(2_001_500, { type: 'resume', node: 'a' })],
      duration: 2_001_500,
    })
    const drops = recorder.events().filter((e) => e.type === 'drop' && e.note === 'mailbox-full')
    expect(drops).toHaveLength(90)
    expect(sim.node('a')!.hosts[0]!.figures()['received']).toBe(100 + 10)
    expect(sim.node('a')!.metricsByActor.get('a')!.counters.get('mailbox.dropped')).toBe(90)
  })

  it('keeps the oldest messages with drop-newest and the newest with drop-oldest', () => {
    const lastReceived = (overflow: 'drop-newest' | 'drop-oldest') => {
      const { sim } = simulate({
        nodes: [nodeOf('a', pinger()), nodeOf('b', pinger({ target: 'a', every: 10_000 }))],
        network: networkModel({ mailbox: { capacity: 10, overflow } }),
        faults: [fault(1_001_500, { type: 'pause', node: 'a' }), fault(2_001_500, { type: 'resume', node: 'a' })],
        duration: 2_001_500,
      })
      return sim.node('a')!.hosts[0]!.figures()['lastN']
    }
    // Pings (one per 10 ms, 1 ms away) 0–99 arrive before the pause and 100–199 during it; the run ends at the resume.
    expect(lastReceived('drop-newest')).toBe(109)
    expect(lastReceived('drop-oldest')).toBe(199)
  })
})
