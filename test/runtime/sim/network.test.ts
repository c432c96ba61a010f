import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../../src/runtime/random.ts'
import { NetworkSimulator } from '../../../src/runtime/sim/network.ts'
import { fault, networkModel, nodeOf, simulate } from '../../support/simHarness.ts'
import { pinger } from '../../support/testActors.ts'

const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`)

describe('network model', () => {
  it('loses and duplicates messages at the configured rates', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 }), (loss, duplicate, seed) => {
        const net = new NetworkSimulator(networkModel({ loss, duplicate }), () => 'r', new SeededRandom(seed))
        const sends = 20_000
        let lost = 0
        let duplicated = 0
        for (let i = 0; i < sends; i++) {
          const fate = net.send('a', 'b', 100, 'message', i * 1000)
          if (!fate.delivered) lost++
          else if (fate.arrivals.length === 2) duplicated++
        }
        // Tolerances are about 5 standard deviations of the binomial counts.
        expect(Math.abs(lost / sends - loss)).toBeLessThan(0.02)
        expect(Math.abs(duplicated / (sends - lost) - duplicate)).toBeLessThan(0.02)
      }),
      { numRuns: 25 },
    )
  })

  it('draws latencies inside the uniform bounds, and link rules override them', () => {
    const model = networkModel({
      latency: { dist: 'uniform', min: 2_000, max: 9_000 },
      links: [{ from: 'n0', to: 'role:slow', latency: { dist: 'constant', value: 50_000 } }],
    })
    const net = new NetworkSimulator(model, (id) => (id === 'n2' ? 'slow' : 'fast'), new SeededRandom(3))
    for (let i = 0; i < 2_000; i++) {
      const now = i * 100_000
      const fast = net.send('n0', 'n1', 0, 'message', now)
      const slow = net.send('n0', 'n2', 0, 'message', now)
      const back = net.send('n2', 'n0', 0, 'message', now)
      if (!fast.delivered || !slow.delivered || !back.delivered) throw new Error('nothing should be lost')
      expect(fast.arrivals[0]! - now).toBeGreaterThanOrEqual(2_000)
      expect(fast.arrivals[0]! - now).toBeLessThanOrEqual(9_000)
      expect(slow.arrivals[0]! - now).toBe(50_000)
      expect(back.arrivals[0]! - now).toBeLessThanOrEqual(9_000)
    }
  })

  it('serializes large payloads at the link bandwidth: back-to-back sends queue', () => {
    const model = networkModel({ latency: { dist: 'constant', value: 1_000 }, bandwidth: 12_500_000 }) // 100 Mbit/s
    const net = new NetworkSimulator(model, () => 'r', new SeededRandom(1))
    const size = 8 * 1024 * 1024
    const first = net.send('a', 'b', size, 'bulk', 0)
    const second = net.send('a', 'b', size, 'bulk', 0)
    const other = net.send('a', 'c', size, 'bulk', 0)
    if (!first.delivered || !second.delivered || !other.delivered) throw new Error('lost')
    const wire = Math.ceil((size * 1e6) / 12_500_000)
    expect(first.arrivals[0]).toBe(wire + 1_000)
    expect(second.arrivals[0]).toBe(2 * wire + 1_000)
    expect(other.arrivals[0]).toBe(wire + 1_000)
  })

  it('a partition blocks exactly the links between different groups (one-way: only earlier → later)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (n, parts, oneWay, seed) => {
        const ids = nodes(n)
        const random = new SeededRandom(seed)
        const groupOf = new Map(ids.map((id) => [id, random.int(parts)]))
        const groups = Array.from({ length: parts }, (_, g) => ids.filter((id) => groupOf.get(id) === g)).filter((g) => g.length > 0)
        const index = new Map(groups.flatMap((g, i) => g.map((id) => [id, i] as const)))
        const net = new NetworkSimulator(networkModel(), () => 'r', new SeededRandom(seed))
        net.partition(groups, oneWay)
        for (const a of ids) {
          for (const b of ids) {
            const differ = index.get(a) !== index.get(b)
            expect(net.blocked(a, b)).toBe(differ && (!oneWay || index.get(a)! < index.get(b)!))
          }
        }
        net.heal()
        for (const a of ids) for (const b of ids) expect(net.blocked(a, b)).toBe(false)
      }),
    )
  })

  it('in a run, partitioned links drop with reason "partition" and links inside a group deliver', () => {
    const ids = nodes(4)
    const all = ids.map((id) => nodeOf(id, pinger({ target: ids[(ids.indexOf(id) + 1) % 4]!, every: 10_000 })))
    const { recorder, sim } = simulate({
      nodes: all,
      faults: [fault(500_000, { type: 'partition', partition: { shape: 'groups', groups: [['n0', 'n1']] }, oneWay: false }, 500_000)],
      duration: 1_500_000,
    })
    const during = recorder.events().filter((e) => e.at > 501_000 && e.at < 1_000_000)
    const crossing = (from: string, to: string) => ['n0', 'n1'].includes(from) !== ['n0', 'n1'].includes(to)
    for (const e of during) {
      if (e.type === 'drop') {
        expect(e.note).toBe('partition')
        expect(crossing(e.from, e.to)).toBe(true)
      }
      if (e.type === 'deliver') expect(crossing(e.from, e.to)).toBe(false)
    }
    expect(during.some((e) => e.type === 'drop')).toBe(true)
    expect(sim.counters.partitioned).toBeGreaterThan(0)
    const after = recorder.events().filter((e) => e.at > 1_002_000)
    expect(after.some((e) => e.type === 'deliver' && crossing(e.from, e.to))).toBe(true)
    expect(after.some((e) => e.type === 'drop')).toBe(false)
  })

  it('a drifting clock fires its timers early, a jump moves readings but not timers', () => {
    const run = (action?: { drift?: number; jump?: number }) => {
      const { recorder, sim } = simulate({
        nodes: [nodeOf('a', pinger({ target: 'b', every: 100_000 })), nodeOf('b', pinger())],
        faults: action === undefined ? [] : [fault(0, { type: 'clock', node: 'a', ...action })],
        duration: 10_050_000,
      })
      return { ticks: recorder.events().filter((e) => e.type === 'timer' && e.to === 'a').length, now: sim.node('a')!.now() }
    }
    expect(run().ticks).toBe(100)
    expect(run({ drift: 0.1 }).ticks).toBe(110)
    const jumped = run({ jump: 5_000_000 })
    expect(jumped.ticks).toBe(100)
    expect(jumped.now).toBe(15_050_000)
  })
})
