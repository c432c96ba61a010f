import { createActor } from 'xstate'
import type { ProtocolEffect } from '../../../src/protocols/effects.ts'
import { TIMER, type ConsensusEvent, type ProposalValue } from '../../../src/protocols/tendermint/consensusEvents.ts'
import { newValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import { tendermintMachine } from '../../../src/protocols/tendermint/machine.ts'
import type { Proposal, SignedProposal, SignedVote, Vote, VoteType } from '../../../src/protocols/tendermint/messages.ts'
import type { TimeoutConfig } from '../../../src/protocols/tendermint/timeouts.ts'
import { validatorIndex, type ValidatorSet } from '../../../src/protocols/tendermint/validatorSet.ts'

/**
 * Drives one consensus machine by hand: feed events, read the effects each one caused.
 * Plays the host's part where a test asks for it (signing and feeding back).
 */

export const SIG = new Uint8Array(64)
export const CHAIN_ID = 'strata-test'

/** Four validators of power 10: 2f + 1 = 30 (three of them), f + 1 = 14 (two). */
export const [A, B, C, D] = ['aa', 'bb', 'cc', 'dd']
export const fourValidators = (): ValidatorSet => newValidatorSet([A, B, C, D].map((address) => ({ address, power: 10n })))

export const block = (id: string, blockTime = 0): ProposalValue => ({ blockId: id, block: new TextEncoder().encode(`block ${id}`), blockTime })

export interface Node {
  send(event: ConsensusEvent): ProtocolEffect[]
  readonly log: ProtocolEffect[]
  state(): unknown
  context(): ReturnType<ReturnType<typeof createActor<typeof tendermintMachine>>['getSnapshot']>['context']
}

export const startNode = (address: string, timeouts: Partial<TimeoutConfig> = {}): Node => {
  const actor = createActor(tendermintMachine, { input: { chainId: CHAIN_ID, address, timeouts } })
  const log: ProtocolEffect[] = []
  actor.on('*', (effect) => log.push(effect))
  actor.start()
  return {
    send(event) {
      const from = log.length
      actor.send(event)
      return log.slice(from)
    },
    log,
    state: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
  }
}

export const newHeight = (height: number, validators: ValidatorSet, now: number): ConsensusEvent => ({
  type: 'tendermint.new-height',
  now,
  height,
  validators,
})

export const timer = (name: keyof typeof TIMER, height: number, round: number, now: number): ConsensusEvent => ({
  type: 'timer',
  now,
  name: TIMER[name],
  data: { height, round },
})

export const voteFrom = (
  set: ValidatorSet,
  address: string,
  type: VoteType,
  height: number,
  round: number,
  blockId: string | null,
  timestamp = 0,
): SignedVote => ({ type, height, round, blockId, timestamp, validatorAddress: address, validatorIndex: validatorIndex(set, address), sig: SIG })

export const voteEvent = (vote: SignedVote, now: number): ConsensusEvent => ({
  type: 'tendermint.vote',
  now,
  from: vote.validatorAddress,
  id: `${vote.validatorAddress}#${vote.height}/${vote.round}/${vote.type}`,
  body: vote,
})

export const proposalFrom = (proposer: string, height: number, round: number, value: ProposalValue, polRound = -1): SignedProposal => ({
  height,
  round,
  polRound,
  blockId: value.blockId,
  timestamp: 0,
  proposerAddress: proposer,
  block: value.block,
  sig: SIG,
})

export const proposalEvent = (proposal: SignedProposal, now: number, valid: boolean, blockTime: number): ConsensusEvent => ({
  type: 'tendermint.proposal',
  now,
  from: proposal.proposerAddress,
  id: `${proposal.proposerAddress}#proposal/${proposal.height}/${proposal.round}`,
  body: proposal,
  valid,
  blockTime,
})

/** A proposal of `value` by `proposer` as the host hands it over: signature checked, block decoded. */
export const proposed = (
  proposer: string,
  height: number,
  round: number,
  value: ProposalValue,
  now: number,
  { polRound = -1, valid = true }: { polRound?: number; valid?: boolean } = {},
): ConsensusEvent => proposalEvent(proposalFrom(proposer, height, round, value, polRound), now, valid, value.blockTime)

export const published = (effects: readonly ProtocolEffect[], kind: 'tendermint.vote' | 'tendermint.proposal') =>
  effects.flatMap((e) => (e.type === 'publish' && e.kind === kind ? [e.body] : []))

export const votesIn = (effects: readonly ProtocolEffect[]) => published(effects, 'tendermint.vote') as Vote[]
export const proposalsIn = (effects: readonly ProtocolEffect[]) => published(effects, 'tendermint.proposal') as Proposal[]

export const reports = (effects: readonly ProtocolEffect[], event: string) =>
  effects.flatMap((e) => (e.type === 'report' && e.event === event ? [e.data] : []))

/**
 * The host's part for this node's own messages: sign (a dummy signature here) and feed
 * back; its own proposal is valid and has the block time the host gave it.
 */
export const signAndFeedBack = (node: Node, effects: readonly ProtocolEffect[], now: number, blockTime = 0): ProtocolEffect[] => {
  const out: ProtocolEffect[] = []
  for (const body of votesIn(effects)) out.push(...node.send(voteEvent({ ...body, sig: SIG }, now)))
  for (const body of proposalsIn(effects)) out.push(...node.send(proposalEvent({ ...body, sig: SIG }, now, true, blockTime)))
  return out
}
