import { Either } from 'effect'
import { describe, expect, it } from 'vitest'
import { signingKeyFromSeed } from '../../src/runtime/crypto/ed25519.ts'
import { parseNetworkFile } from '../../src/runtime/process/networkFile.ts'
import { Presence } from '../../src/runtime/process/presence.ts'
import { prometheusText } from '../../src/runtime/process/prometheus.ts'
import { subjectsOf, subjectToken } from '../../src/runtime/process/subjects.ts'

describe('subject scheme', () => {
  it('keeps plain names and escapes everything NATS would split or match on', () => {
    expect(subjectToken('member-0')).toBe('member-0')
    expect(subjectToken('a.b')).toBe('a~2eb')
    expect(subjectToken('x/y*>')).toBe('x~2fy~2a~3e')
    expect(subjectToken('~')).toBe('~7e')
    expect(subjectToken('é')).toBe('~c3~a9')
  })

  it('never maps two names to one token', () => {
    const names = ['a.b', 'a~2eb', 'a_b', 'a-b', 'a b', 'a/b', 'ab', 'a..b']
    expect(new Set(names.map(subjectToken)).size).toBe(names.length)
  })

  it('scopes every subject to the network', () => {
    const s = subjectsOf('devnet')
    expect(s.actor('member-0')).toBe('strata.devnet.actor.member-0')
    expect(s.topic('blocks')).toBe('strata.devnet.topic.blocks')
    expect(s.role('validator')).toBe('strata.devnet.role.validator')
    expect(s.presence('n.1')).toBe('strata.devnet.presence.n~2e1')
    expect(s.status('n1')).toBe('strata.devnet.status.n1')
    expect(() => subjectsOf('Dev.Net')).toThrow(/network name/)
  })
})

describe('network file', () => {
  const key = 'ab'.repeat(32)
  const valid = `format: strata-network/1
network: devnet
chainId: devnet-1
genesisTime: 2026-01-01T00:00:00Z
nats: { url: "nats://127.0.0.1:4222" }
nodes:
  - { id: member-0, role: member, publicKey: ${key}, credentials: creds/member-0.nk }
`
  it('parses, fills defaults and resolves paths against its own directory', () => {
    const net = Either.getOrThrow(parseNetworkFile(valid, '/etc/strata/network.yaml'))
    expect(net.limits.maxMessageBytes).toBe(1024 * 1024)
    expect(net.node('member-0')?.params).toEqual({})
    expect(net.resolvePath('creds/member-0.nk')).toBe('/etc/strata/creds/member-0.nk')
  })

  it.each([
    [valid.replace(key, 'xyz'), /nodes\.\[0\]\.publicKey|publicKey/],
    [valid.replace('network: devnet', 'network: Dev.Net'), /network/],
    [valid.replace('genesisTime: 2026-01-01T00:00:00Z', 'genesisTime: yesterday'), /genesisTime/],
    [`${valid}  - { id: member-0, role: member, publicKey: ${key} }\n`, /appears twice/],
    [valid.replace('format: strata-network/1', 'format: other'), /format/],
    [`${valid}extra: 1\n`, /extra/],
    ['nodes: [', /not valid YAML/],
  ])('refuses a bad file with a pointed message (%#)', (text, message) => {
    const result = parseNetworkFile(text, 'net.yaml')
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(result.left.message).toMatch(message)
  })
})

describe('presence', () => {
  const keyA = signingKeyFromSeed(new Uint8Array(32).fill(1))
  const keyB = signingKeyFromSeed(new Uint8Array(32).fill(2))
  const make = (self: string, signer: typeof keyA, clock: { t: number }, sent: Uint8Array[], invalid: { n: number }) =>
    new Presence({
      self,
      signer,
      publicKeyOf: (node) => (node === 'a' ? keyA.publicKey : node === 'b' ? keyB.publicKey : undefined),
      publish: (bytes) => sent.push(bytes),
      onInvalid: () => invalid.n++,
      interval: 500,
      staleAfter: 2000,
      now: () => clock.t,
    })

  it('learns a live peer, its topics and addresses, and forgets it when it goes quiet or leaves', () => {
    const clock = { t: 0 }
    const sent: Uint8Array[] = []
    const invalid = { n: 0 }
    const a = make('a', keyA, clock, sent, invalid)
    const b = make('b', keyB, clock, [], invalid)
    a.setTopics(['blocks'])
    a.setBulkAddresses(['/ip4/127.0.0.1/tcp/1'])
    a.announce()
    b.receive(sent.at(-1)!)
    expect(b.isLive('a')).toBe(true)
    expect(b.anyLiveListens('blocks')).toBe(true)
    expect(b.bulkAddresses('a')).toEqual(['/ip4/127.0.0.1/tcp/1'])
    clock.t = 2001
    expect(b.isLive('a')).toBe(false)
    a.announce()
    b.receive(sent.at(-1)!)
    expect(b.liveNodes()).toEqual(['a'])
    a.leave()
    b.receive(sent.at(-1)!)
    expect(b.isLive('a')).toBe(false)
    expect(invalid.n).toBe(0)
  })

  it('refuses heartbeats not signed by the node they name, and junk', () => {
    const clock = { t: 0 }
    const sent: Uint8Array[] = []
    const invalid = { n: 0 }
    // b signs a heartbeat claiming to be a.
    const forger = make('a', keyB, clock, sent, invalid)
    const victim = make('b', keyB, clock, [], invalid)
    forger.announce()
    victim.receive(sent[0]!)
    victim.receive(new Uint8Array([0xff, 0xfe]))
    expect(victim.isLive('a')).toBe(false)
    expect(invalid.n).toBe(2)
  })
})

describe('prometheus text', () => {
  it('names, labels and types every counter, gauge, figure and distribution', () => {
    const text = prometheusText({ id: 'n"1', role: 'member', uptimeSeconds: 2.5 }, [
      {
        id: 'n"1',
        counters: new Map([['decode.errors', 3]]),
        gauges: new Map([['queue', 7]]),
        figures: { peersAlive: 2 },
        distributions: { 'echo.latency': { count: 4, min: 1, max: 9, mean: 5, p50: 4, p99: 9 } },
      },
    ])
    expect(text).toContain('# TYPE strata_decode_errors_total counter\nstrata_decode_errors_total{node="n\\"1",role="member",actor="n\\"1"} 3')
    expect(text).toContain('# TYPE strata_queue gauge')
    expect(text).toContain('strata_figure_peersAlive{node="n\\"1",role="member",actor="n\\"1"} 2')
    expect(text).toContain('strata_echo_latency{node="n\\"1",role="member",actor="n\\"1",quantile="0.99"} 9')
    expect(text).toContain('strata_echo_latency_sum{node="n\\"1",role="member",actor="n\\"1"} 20')
    expect(text).toContain('strata_uptime_seconds{node="n\\"1",role="member"} 2.5')
    expect(text.endsWith('\n')).toBe(true)
  })
})
