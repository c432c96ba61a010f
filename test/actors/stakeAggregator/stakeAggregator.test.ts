import { Effect, Schema } from 'effect'
import { describe, expect, it } from 'vitest'
import { stakeAggregatorActor, StakeAggregatorParamsSchema } from '../../../src/actors/stakeAggregator/stakeAggregatorActor.ts'
import { validatorActor } from '../../../src/actors/validator/validatorActor.ts'
import { SLASHED, VALIDATOR_UPDATES, type ValidatorUpdatesReport } from '../../../src/checks/consensusReports.ts'
import type { ActorDef } from '../../../src/runtime/actor.ts'
import { STAKING_EVENTS_TOPIC } from '../../../src/protocols/staking/index.ts'
import { Keys, Transport } from '../../../src/runtime/services.ts'
import { scenarioVocabulary } from '../../../src/catalog/index.ts'
import type { FaultStep } from '../../../src/scenario/types.ts'
import { check, runYaml } from '../../support/scenarioRun.ts'
import { fault, nodeOf, simulate } from '../../support/simHarness.ts'
import { validatorNames, validatorParams } from '../validator/validatorSim.ts'

/** Four validators and a stake aggregator that moves 20 $C-Stake units of native stake onto validator-1 at 1 s. */
const network = (aggregatorParams: string) =>
  [
    'name: aggregator-signs',
    'duration: 6s',
    'roles:',
    '  validator: { count: 4, params: { timeouts: { commit: 100ms } } }',
    '  stake-aggregator:',
    '    count: 1',
    `    params: { ${aggregatorParams}script: [ { at: 1s, operator: validator-1, nativeDelta: 20000000 } ] }`,
    'checks:',
    '  - { type: consensus.power-at-h-plus-2 }',
  ].join('\n')

/** Two steps, 3 s apart, with the aggregator down in between. */
const restarted = [
  'name: aggregator-restarts',
  'duration: 8s',
  'roles:',
  '  validator: { count: 4, params: { timeouts: { commit: 100ms } } }',
  '  stake-aggregator:',
  '    count: 1',
  '    params: { script: [ { at: 1s, operator: validator-1, nativeDelta: 20000000 }, { at: 4s, operator: validator-2, nativeDelta: 20000000 } ] }',
  'faults:',
  '  - { at: 2s, crash: stake-aggregator-0, for: 1s }',
  'checks:',
  '  - { type: consensus.power-at-h-plus-2 }',
].join('\n')

describe('the stake aggregator', () => {
  it('restarted, goes on after the last step it submitted, at the times of the script', () => {
    const { report } = runYaml(restarted)
    const aggregator = report.roles.find((r) => r.role === 'stake-aggregator')!
    // Both steps done, and only the second sent by the restarted aggregator (figures start again at a restart).
    expect([aggregator.figures['steps']?.max, aggregator.figures['txsSubmitted']?.max]).toEqual([2, 1])
    expect(check(report, 'consensus.power-at-h-plus-2').summary).toBe('2 validator-set change(s), each effective exactly at H+2')
  })

  it("signs its stake changes, which the validators' staking application takes: the power moves", () => {
    const { report } = runYaml(network(''))
    expect(check(report, 'consensus.power-at-h-plus-2').summary).toBe('1 validator-set change(s), each effective exactly at H+2')
  })

  it('brings a validator node outside the genesis set into the validator set', () => {
    const yaml = network('').replace('validator: { count: 4, params: { timeouts: { commit: 100ms } } }', 'validator: { count: 4, params: { timeouts: { commit: 100ms }, powers: { validator-1: 0 } } }')
    const { report } = runYaml(yaml)
    expect(check(report, 'consensus.power-at-h-plus-2').summary).toBe('1 validator-set change(s), each effective exactly at H+2')
    // validator-1 proposes too, once it is in.
    expect(report.roles.find((r) => r.role === 'validator')!.figures['proposals']?.min).toBeGreaterThan(0)
  })

  it('signed for another chain id, is refused when the scenario loads', () => {
    expect(() => runYaml(network('chainId: another-chain, '))).toThrow(
      `roles.stake-aggregator.params.chainId: "another-chain" is not the validators' chainId "strata-chain"`,
    )
  })

  it('signed for another chain id, changes nothing: the validators refuse it at admission (with the load-time rule off)', () => {
    const { report } = runYaml(network('chainId: another-chain, '), { vocabulary: { ...scenarioVocabulary, crossRoleRules: [] } })
    expect(check(report, 'consensus.power-at-h-plus-2').summary).toBe('no validator-set change to judge')
    const validators = report.roles.find((r) => r.role === 'validator')!
    expect(validators.counters['mempool.rejected']).toBeGreaterThan(0)
  })
})

/** A stake aggregator that moves 20 units of native stake onto validator-1 at 1 s and sends again every second. */
const aggregatorWith = (params: Record<string, unknown> = {}) =>
  stakeAggregatorActor(Schema.decodeUnknownSync(StakeAggregatorParamsSchema)({ script: [{ at: '1s', operator: 'validator-1', nativeDelta: 20_000_000 }], resendEvery: '1s', ...params }))

/** Four validators of `validator` params, and `aggregator` wrapped by `wrap`. */
const runWith = (wrap: (def: ActorDef) => ActorDef, { aggregator = aggregatorWith(), validator = validatorActor(validatorParams()), duration = 5_000_000 } = {}) => {
  const reported: { actor: string; event: string; data: unknown }[] = []
  const { sim } = simulate({
    nodes: [...validatorNames(4).map((name) => nodeOf(name, validator)), nodeOf('stake-aggregator-0', wrap(aggregator))],
    duration,
    observers: [{ onReport: (_at, actor, event, data) => void reported.push({ actor, event, data }) }],
  })
  const node = sim.nodes.find((n) => n.spec.id === 'stake-aggregator-0')!
  return {
    crashes: node.metricsByActor.get('stake-aggregator-0')?.counters.get('actor.crashes') ?? 0,
    figures: node.hosts[0]!.figures(),
    powerChanges: reported.filter((r) => r.actor === 'validator-0' && r.event === VALIDATOR_UPDATES).flatMap((r) => (r.data as ValidatorUpdatesReport).updates),
  }
}

/** `def` whose first `chain.tx` send goes through `first` instead of the transport. */
const firstSend = (first: (send: () => void) => void) => (def: ActorDef): ActorDef => {
  let done = false
  return {
    ...def,
    start: Effect.updateService(def.start, Transport, (transport) => ({
      ...transport,
      sendAny: (role: string, kind: string, body: unknown) => {
        if (done) return transport.sendAny(role, kind, body)
        done = true
        first(() => transport.sendAny(role, kind, body))
      },
    })),
  }
}

describe('the stake aggregator, when a step goes wrong', () => {
  it('crashed just after sending a step, sends it again after its restart as the same transaction: the stake moves once', () => {
    const run = runWith(
      firstSend((send) => {
        send()
        throw new Error('crashed just after sending')
      }),
    )
    expect(run.crashes).toBe(1)
    // The restarted aggregator saw the step as sent (figures start again at a restart) and sent it again.
    expect(run.figures).toMatchObject({ steps: 1, txsSubmitted: 0 })
    expect(run.figures['txsResent']).toBeGreaterThan(0)
    // 10 + 20 units: applied once.
    expect(run.powerChanges).toEqual([{ name: 'validator-1', power: 30 }])
  })

  it('whose transaction is lost on the way, sends it again: the stake moves, once', () => {
    const run = runWith(firstSend(() => {}))
    expect(run.figures).toMatchObject({ steps: 1, txsSubmitted: 1 })
    expect(run.powerChanges).toEqual([{ name: 'validator-1', power: 30 }])
  })

  it('stops sending a step again once it expires', () => {
    const resent = (txTimeout: string) => {
      const nodes = [...validatorNames(2).map((name) => nodeOf(name, validatorActor(validatorParams()))), nodeOf('stake-aggregator-0', aggregatorWith({ txTimeout }))]
      const { sim } = simulate({ nodes, duration: 10_000_000 })
      return sim.nodes.find((n) => n.spec.id === 'stake-aggregator-0')!.hosts[0]!.figures()['txsResent']
    }
    // Sent at 1 s, again at 2, 3, 4 s until it expires at 4.5 s; for good with a longer expiry.
    expect(resent('3.5s')).toBe(3)
    expect(resent('1m')).toBe(9)
  })
})

describe('the stake aggregator starts from the stake genesis gave', () => {
  const unwrapped = (def: ActorDef) => def

  // Before, its view of the stake sources started empty: an unstake found nothing to take
  // and sent nothing, and the power stayed where genesis put it.
  it("takes back part of a genesis validator's self-stake: its power falls", () => {
    const run = runWith(unwrapped, { aggregator: aggregatorWith({ script: [{ at: '1s', operator: 'validator-0', nativeDelta: -4_000_000 }] }) })
    expect(run.powerChanges).toEqual([{ name: 'validator-0', power: 6 }])
  })

  it('moves genesis delegations and LST shares, which name their validators by node name', () => {
    const validator = validatorActor(
      validatorParams({
        staking: {
          params: { initialPrices: { stETH: '1' } },
          stakes: [{ validator: 'validator-1', delegator: 'bob', amount: '5000000' }],
          lstShares: [{ operator: 'validator-2', strategy: 'stETH', shares: '10000000' }],
        },
      }),
    )
    const aggregator = aggregatorWith({
      script: [
        { at: '1s', operator: 'validator-2', strategy: 'stETH', sharesDelta: 5_000_000 },
        { at: '2s', operator: 'validator-1', delegator: 'bob', nativeDelta: -5_000_000 },
      ],
    })
    const run = runWith(unwrapped, { aggregator, validator })
    expect(run.powerChanges).toEqual([
      // Genesis: 10 units of self-stake each, bob's 5 on validator-1, 10 stETH at 1 on validator-2.
      { name: 'validator-2', power: 20 },
      { name: 'validator-1', power: 15 },
      // The aggregator's totals and unstakes count from there: 15 stETH, not 5; bob's 5 taken back.
      { name: 'validator-2', power: 25 },
      { name: 'validator-1', power: 10 },
    ])
  })
})

describe('the stake aggregator and slashes', () => {
  /** 100 stETH shares to validator-3 at 0.5 s and 10 more at 8 s. */
  const lstScript = [
    { at: '0.5s', operator: 'validator-3', strategy: 'stETH', sharesDelta: 100_000_000 },
    { at: '8s', operator: 'validator-3', strategy: 'stETH', sharesDelta: 10_000_000 },
  ]

  /**
   * The aggregator runs `script`; validator-3 is down from 2 s to 5 s, long enough to be
   * slashed 1% for downtime (a window of 10 blocks). Returns the LST totals and native
   * unstakes the aggregator sent, the slashes validator-0 saw, and the aggregator's figures.
   */
  const run = (wrapValidator0: (def: ActorDef) => ActorDef = (def) => def, script: readonly object[] = lstScript, faults: readonly FaultStep[] = []) => {
    const sentTotals: string[] = []
    const sentUnstakes: string[] = []
    const aggregator = stakeAggregatorActor(Schema.decodeUnknownSync(StakeAggregatorParamsSchema)({ script }))
    const recording: ActorDef = {
      ...aggregator,
      start: Effect.updateService(aggregator.start, Transport, (transport) => ({
        ...transport,
        sendAny: (role: string, kind: string, body: unknown) => {
          const tx = body as { type: string; shares?: string; amount?: string }
          if (tx.type === 'staking.sync-lst' && !sentTotals.includes(tx.shares!)) sentTotals.push(tx.shares!)
          if (tx.type === 'staking.undelegate' && !sentUnstakes.includes(tx.amount!)) sentUnstakes.push(tx.amount!)
          transport.sendAny(role, kind, body)
        },
      })),
    }
    const validator = validatorActor(validatorParams({ timeouts: { commit: '100ms', propose: '300ms', prevote: '200ms', precommit: '200ms' }, staking: { params: { signedBlocksWindow: 10, minSignedPerWindow: 0.5 } } }))
    const nodes = [...validatorNames(4).map((name, i) => nodeOf(name, i === 0 ? wrapValidator0(validator) : validator)), nodeOf('stake-aggregator-0', recording)]
    const slashes: unknown[] = []
    const { sim } = simulate({
      nodes,
      duration: 10_000_000,
      faults: [fault(2_000_000, { type: 'crash', node: 'validator-3' }, 3_000_000), ...faults],
      observers: [{ onReport: (_at, actor, event, data) => void (actor === 'validator-0' && event === SLASHED && slashes.push(data)) }],
    })
    return { sentTotals, sentUnstakes, slashes, figures: sim.nodes.find((n) => n.spec.id === 'stake-aggregator-0')!.hosts[0]!.figures() }
  }

  it('mirrors a slash the validators tell it of, so that its next total does not put the slashed shares back', () => {
    const { sentTotals, slashes, figures } = run()
    expect(slashes).toMatchObject([{ validator: 'validator-3', reason: 'downtime' }])
    expect(figures['slashesMirrored']).toBe(1)
    // 100 shares, 1% slashed on chain: restated at once as 99 (in case the 100 lands after
    // the slash), and the next total is 99 + 10, not 110.
    expect(sentTotals).toEqual(['100000000', '99000000', '109000000'])
  })

  it('down when the validators told of a slash, hears of it from them once back', () => {
    // Down from 1 s to 6 s, while validator-3 is slashed; the notices went out then.
    const { sentTotals, figures } = run(undefined, lstScript, [fault(1_000_000, { type: 'crash', node: 'stake-aggregator-0' }, 5_000_000)])
    expect(figures['slashesMirrored']).toBe(1)
    expect(sentTotals).toEqual(['100000000', '99000000', '109000000'])
  })

  it('mirrors a slash of genesis self-stake: unstaking all of it after the slash takes what the slash left', () => {
    const { sentUnstakes, slashes } = run(undefined, [{ at: '8s', operator: 'validator-3', nativeDelta: -10_000_000 }])
    expect(slashes).toMatchObject([{ validator: 'validator-3', reason: 'downtime' }])
    // 10 units from genesis, 1% slashed: 9.9 left (as the chain rounds it, see
    // aggregator.test.ts), all of which the unstake takes. Before, the aggregator's view
    // held no genesis stake and sent nothing; 10 would fail on chain, the stake bonded.
    expect(sentUnstakes).toEqual(['9900000'])
  })

  /** `def` that, at its start, tells the aggregators validator-2 was slashed by half for double-signing: a lie. */
  const liar = (def: ActorDef): ActorDef => ({
    ...def,
    start: Effect.gen(function* () {
      const handlers = yield* def.start
      const transport = yield* Transport
      const keys = yield* Keys
      const victim = Buffer.from(keys.publicKeyOf('validator-2')!).toString('hex')
      transport.publish(STAKING_EVENTS_TOPIC, 'staking.slashed', { height: 1, pubKey: victim, reason: 'double-sign', fractionPpm: '500000' })
      return handlers
    }),
  })

  it('does not believe a slash only one validator tells it of', () => {
    const { figures } = run(liar)
    // The real downtime slash only.
    expect(figures['slashesMirrored']).toBe(1)
  })

  it('does not believe a slash that validators of a third of the power or less tell it of, however many nodes they are', () => {
    // Two nodes of five (more than a third of the nodes) with 2 of 32 units of power lie.
    const validator = validatorActor(validatorParams({ powers: { 'validator-0': 1, 'validator-1': 1 } }))
    const aggregator = stakeAggregatorActor(Schema.decodeUnknownSync(StakeAggregatorParamsSchema)({}))
    const nodes = [...validatorNames(5).map((name, i) => nodeOf(name, i < 2 ? liar(validator) : validator)), nodeOf('stake-aggregator-0', aggregator)]
    const { sim } = simulate({ nodes, duration: 3_000_000 })
    expect(sim.nodes.find((n) => n.spec.id === 'stake-aggregator-0')!.hosts[0]!.figures()['slashesMirrored']).toBe(0)
  })
})
