import { fc, test as propertyTest } from '@fast-check/vitest'
import { expect, test } from 'vitest'
import { createActor } from 'xstate'
import { VoteRun } from '../../../src/actors/validator/voteRun.ts'
import type { HostedMachine } from '../../../src/actors/common/machineHost.ts'
import type { ProtocolEffect } from '../../../src/protocols/effects.ts'
import type { ConsensusEvent } from '../../../src/protocols/tendermint/consensusEvents.ts'
import { newValidatorSet, nextHeightValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import { tendermintMachine } from '../../../src/protocols/tendermint/machine.ts'
import type { ValidatorSet } from '../../../src/protocols/tendermint/validatorSet.ts'
import { block, CHAIN_ID, newHeight, proposed, timer, voteEvent, voteFrom } from '../../protocols/tendermint/harness.ts'

/**
 * A validator hands its votes to the consensus machine through a VoteRun, which holds
 * back runs of votes no rule can notice yet. The machine must not be able to tell: after
 * every input, it has emitted exactly what it emits when it gets every vote at once as
 * its own `tendermint.vote` event. Inputs are arbitrary, including equivocations, votes
 * of other rounds and heights, timers and proposals from the right and wrong proposers.
 */

const BLOCKS = [block('x', 5), block('y', 7)]

type Command =
  | { readonly kind: 'vote'; readonly validator: number; readonly type: 'prevote' | 'precommit'; readonly round: number; readonly value: number; readonly heightOffset: number }
  | { readonly kind: 'proposal'; readonly proposer: number | 'scheduled'; readonly round: number; readonly value: number; readonly valid: boolean; readonly polRound: number }
  | { readonly kind: 'timer'; readonly name: 'propose' | 'prevote' | 'precommit' | 'commit'; readonly round: number }
  | { readonly kind: 'next-height' }

const command = (validators: number): fc.Arbitrary<Command> =>
  fc.oneof(
    // Mostly for x, and mostly of the first rounds: majorities form, late and split ones too.
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('vote' as const), validator: fc.nat(validators - 1), type: fc.constantFrom('prevote' as const, 'precommit' as const), round: fc.constantFrom(0, 0, 0, 1, 1, 2, 3, 4, 5), value: fc.constantFrom(0, 0, 0, 1, 2), heightOffset: fc.constantFrom(0, 0, 0, 0, -1, 1) }) },
    // Mostly from the round's proposer, for x and valid: heights get decided.
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('proposal' as const), proposer: fc.oneof(fc.constant('scheduled' as const), fc.constant('scheduled' as const), fc.nat(validators - 1)), round: fc.constantFrom(0, 0, 1, 2), value: fc.constantFrom(0, 0, 1), valid: fc.constantFrom(true, true, false), polRound: fc.integer({ min: -1, max: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('timer' as const), name: fc.constantFrom('propose' as const, 'prevote' as const, 'precommit' as const, 'commit' as const), round: fc.nat(3) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'next-height' as const }) },
  )

/**
 * A started machine with its effects log, and the HostedMachine view of it a VoteRun
 * drives. timeout_commit is three commands long, so that the first round of a height may
 * also start on a vote arriving after it, not only on its timer.
 */
const startMachine = (address: string) => {
  const actor = createActor(tendermintMachine, { input: { chainId: CHAIN_ID, address, timeouts: { commit: 3_000 } } })
  const log: ProtocolEffect[] = []
  actor.on('*', (effect) => log.push(effect))
  actor.start()
  const hosted = { send: (event: ConsensusEvent) => actor.send(event), snapshot: () => actor.getSnapshot() }
  return { actor, log, hosted: hosted as unknown as HostedMachine<typeof tendermintMachine> }
}

/** Runs `commands` on two machines (one vote per event, and through a VoteRun); returns both logs after every command. */
const runBoth = (powers: readonly number[], commands: readonly Command[]) => {
  const addresses = powers.map((_, i) => `v${i}`)
  let validators: ValidatorSet = newValidatorSet(addresses.map((address, i) => ({ address, power: BigInt(powers[i]!) })))
  const one = startMachine(addresses[0]!)
  const batched = startMachine(addresses[0]!)
  const run = new VoteRun(batched.hosted)
  let height = 1
  let now = 1_000
  const both = (event: ConsensusEvent) => {
    one.actor.send(event)
    run.send(event)
  }
  both(newHeight(height, validators, now))
  const logs: { one: ProtocolEffect[]; batched: ProtocolEffect[] }[] = []
  for (const c of commands) {
    now += 1_000
    if (c.kind === 'vote') {
      const blockId = c.value === 2 ? null : BLOCKS[c.value]!.blockId
      const vote = voteFrom(validators, addresses[c.validator]!, c.type, height + c.heightOffset, c.round, blockId, now)
      one.actor.send(voteEvent(vote, now))
      run.offer(vote, now)
    } else if (c.kind === 'proposal') {
      const proposer = c.proposer === 'scheduled' ? one.actor.getSnapshot().context.schedule.proposers[c.round] : addresses[c.proposer]
      if (proposer !== undefined) both(proposed(proposer, height, c.round, BLOCKS[c.value]!, now, { valid: c.valid, polRound: Math.min(c.polRound, c.round - 1) }))
    } else if (c.kind === 'timer') {
      both(timer(c.name, height, c.round, now))
    } else if (one.actor.getSnapshot().matches('commit')) {
      validators = nextHeightValidatorSet(validators, [])
      height += 1
      both(newHeight(height, validators, now))
    }
    logs.push({ one: [...one.log], batched: [...batched.log] })
  }
  // A stale timer: the run's last votes go in, and the contexts can be compared.
  both(timer('propose', 0, 0, now + 1_000))
  return { logs, contexts: { one: one.actor.getSnapshot().context, batched: batched.actor.getSnapshot().context } }
}

propertyTest.prop([fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 4, maxLength: 7 }).chain((powers) => fc.tuple(fc.constant(powers), fc.array(command(powers.length), { minLength: 40, maxLength: 160 })))], {
  numRuns: 300,
})('the machine cannot tell votes held back in runs from votes fed one by one', ([powers, commands]) => {
  const { logs, contexts } = runBoth(powers, commands)
  logs.forEach((after, i) => expect(after.batched, `effects after command ${i} (${JSON.stringify(commands[i])})`).toEqual(after.one))
  expect(contexts.batched).toEqual(contexts.one)
})

/** Seven equal validators at height 1, seen by v0 through a VoteRun whose machine events are kept in `sent`. */
const sevenAtHeightOne = () => {
  const addresses = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6']
  const validators = newValidatorSet(addresses.map((address) => ({ address, power: 10n })))
  const { actor, hosted } = startMachine('v0')
  const sent: ConsensusEvent[] = []
  const counting = { ...hosted, send: (event: ConsensusEvent) => (sent.push(event), hosted.send(event)) } as unknown as HostedMachine<typeof tendermintMachine>
  const run = new VoteRun(counting)
  run.send(newHeight(1, validators, 0))
  return { addresses, validators, actor, sent, run }
}

test('a round of quiet votes reaches the machine as one event, closed by the vote that makes the polka', () => {
  const { addresses, validators, actor, sent, run } = sevenAtHeightOne()
  const proposer = actor.getSnapshot().context.schedule.proposers[0]!
  run.send(proposed(proposer, 1, 0, BLOCKS[0]!, 1))
  sent.length = 0
  // 2f + 1 of seven equal validators is five: the first four prevotes change nothing a rule reads.
  for (const [i, address] of addresses.slice(1, 6).entries()) run.offer(voteFrom(validators, address, 'prevote', 1, 0, 'x', 10 + i), 10 + i)
  expect(sent.map((e) => e.type)).toEqual(['tendermint.votes'])
  expect(sent[0]).toMatchObject({ votes: { length: 5 } })
  expect(actor.getSnapshot().matches({ inRound: 'precommit' })).toBe(true)
})

test('quiet votes held back when a proposal arrives go into the machine with it, in one event, counted first', () => {
  const { validators, actor, sent, run } = sevenAtHeightOne()
  run.send(timer('commit', 1, 0, 3_000))
  sent.length = 0
  // Two prevotes before the proposal: too few for any threshold, so they are held back.
  for (const [i, address] of ['v1', 'v2'].entries()) run.offer(voteFrom(validators, address, 'prevote', 1, 0, 'x', 3_010 + i), 3_010 + i)
  expect(sent).toEqual([])
  run.send(proposed(actor.getSnapshot().context.schedule.proposers[0]!, 1, 0, BLOCKS[0]!, 3_020))
  expect(sent.map((e) => e.type)).toEqual(['tendermint.proposal'])
  expect(sent[0]).toMatchObject({ heldVotes: { votes: { length: 2 } } })
  expect(actor.getSnapshot().context.votes.rounds[0]?.prevote.sum).toBe(20n)
})
