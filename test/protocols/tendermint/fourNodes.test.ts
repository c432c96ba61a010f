import { fc, test as propertyTest } from '@fast-check/vitest'
import { expect, test } from 'vitest'
import type { ProtocolEffect } from '../../../src/protocols/effects.ts'
import { medianTime } from '../../../src/protocols/tendermint/bftTime.ts'
import type { ConsensusEvent } from '../../../src/protocols/tendermint/consensusEvents.ts'
import { nextHeightValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import type { Proposal, SignedVote, Vote } from '../../../src/protocols/tendermint/messages.ts'
import type { ValidatorSet } from '../../../src/protocols/tendermint/validatorSet.ts'
import { Prng } from '../../../src/shared/prng.ts'
import { A, B, C, D, fourValidators, proposalEvent, SIG, startNode, voteEvent, type Node } from './harness.ts'

/**
 * Four machines and a few lines of host: messages are delivered after a random delay
 * (and some are lost), timers fire in virtual time, a proposer's value is made on
 * request, a commit is applied and the next height announced. Not the network
 * simulator — just enough to see the contract of index.ts hold end to end.
 */

interface Commit {
  readonly node: number
  readonly height: number
  readonly blockId: string
}

const run = (seed: number, loss: number, until: number) => {
  const prng = Prng.fromSeed(seed)
  const addresses = [A, B, C, D]
  const nodes: Node[] = addresses.map((a) => startNode(a, { commit: 200_000 }))
  const blockTimes = new Map<string, number>()
  const commits: Commit[] = []
  const proposed = new Set<string>()
  const setOf = new Map<number, ValidatorSet>([[1, fourValidators()]])
  type Pending = { at: number; seq: number; node: number; event: ConsensusEvent; timer?: string }
  const queue: Pending[] = []
  let seq = 0
  const timers = new Map<string, number>()
  const at = (time: number, node: number, event: ConsensusEvent, timer?: string) =>
    queue.push({ at: time, seq: seq++, node, event, ...(timer === undefined ? {} : { timer }) })

  const host = (node: number, now: number, effects: readonly ProtocolEffect[]) => {
    for (const e of effects) {
      if (e.type === 'publish') {
        const signed = { ...(e.body as Vote | Proposal), sig: SIG }
        addresses.forEach((_, j) => {
          if (j !== node && prng.next() < loss) return
          const when = j === node ? now : now + 1_000 + prng.int(50_000)
          const event =
            e.kind === 'tendermint.vote'
              ? voteEvent(signed as SignedVote, when)
              : proposalEvent(signed as Proposal & { sig: Uint8Array }, when, true, blockTimes.get((signed as Proposal).blockId)!)
          at(when, j, event)
        })
      } else if (e.type === 'setTimer') {
        const key = `${node}/${e.name}`
        timers.set(key, seq)
        at(now + e.after, node, { type: 'timer', now: now + e.after, name: e.name, data: e.data }, key)
      } else if (e.type === 'cancelTimer') {
        timers.delete(`${node}/${e.name}`)
      } else if (e.type === 'report' && e.event === 'tendermint.need-proposal') {
        const { height, round, lastCommit } = e.data as { height: number; round: number; lastCommit: SignedVote[] }
        const blockId = `h${height}r${round}n${node}`
        const blockTime = height === 1 ? now : medianTime(lastCommit.map((v) => ({ timestamp: v.timestamp, power: 10n })))!
        blockTimes.set(blockId, blockTime)
        proposed.add(blockId)
        const value = { blockId, block: new TextEncoder().encode(blockId), blockTime }
        at(now + 100, node, { type: 'tendermint.proposal-value', now: now + 100, height, round, value })
      } else if (e.type === 'report' && e.event === 'tendermint.commit') {
        const { height, blockId } = e.data as { height: number; blockId: string }
        commits.push({ node, height, blockId })
        if (!setOf.has(height + 1)) setOf.set(height + 1, nextHeightValidatorSet(setOf.get(height)!, []))
        at(now + 5_000, node, { type: 'tendermint.new-height', now: now + 5_000, height: height + 1, validators: setOf.get(height + 1)! })
      }
    }
  }

  nodes.forEach((_, i) => at(0, i, { type: 'tendermint.new-height', now: 0, height: 1, validators: setOf.get(1)! }))
  while (queue.length > 0) {
    queue.sort((x, y) => x.at - y.at || x.seq - y.seq)
    const next = queue.shift()!
    if (next.at > until) break
    // a timer counts only if it is the last one set under its name and not cancelled
    if (next.timer !== undefined && timers.get(next.timer) !== next.seq) continue
    host(next.node, next.at, nodes[next.node]!.send(next.event))
  }
  return { commits, proposed, nodes }
}

const agreementErrors = (commits: readonly Commit[], proposed: ReadonlySet<string>): string[] => {
  const errors: string[] = []
  const byHeight = new Map<number, string>()
  for (const c of commits) {
    const first = byHeight.get(c.height)
    if (first !== undefined && first !== c.blockId) errors.push(`height ${c.height}: ${first} and ${c.blockId}`)
    byHeight.set(c.height, first ?? c.blockId)
    if (!proposed.has(c.blockId)) errors.push(`height ${c.height}: ${c.blockId} was never proposed`)
  }
  return errors
}

test('without loss, four validators commit height after height, all the same blocks', () => {
  const { commits, proposed } = run(1, 0, 20_000_000)
  expect(agreementErrors(commits, proposed)).toEqual([])
  const heights = (node: number) => commits.filter((c) => c.node === node).map((c) => c.height)
  for (let i = 0; i < 4; i++) expect(heights(i).slice(0, 5)).toEqual([1, 2, 3, 4, 5])
})

propertyTest.prop([fc.integer(), fc.integer({ min: 0, max: 30 }).map((percent) => percent / 100)], { numRuns: 20 })(
  'with message loss and random delays no two validators commit different blocks at a height',
  (seed, loss) => {
    const { commits, proposed } = run(seed, loss, 10_000_000)
    expect(agreementErrors(commits, proposed)).toEqual([])
  },
)
