import { describe, expect, it } from 'vitest'
import { devnetForTests, type ProcessDevnet } from './support/processDevnet.ts'

/**
 * Stake across processes: the stake aggregator signs its delegation with its node key, the
 * validators know that key from the network file as the only stake authority, and the
 * node outside the genesis set joins and proposes.
 */
let devnet: ProcessDevnet

devnetForTests('test/process/fixtures/joining-validator.yaml', 'five validators and the stake aggregator up', (started) => {
  devnet = started
})

describe('a stake aggregator process', () => {
  it('brings a validator process into the set with its signed delegation', async () => {
    const [aggregator] = (await devnet.waitForAll(['stake-aggregator-0'], 'the delegation submitted', (s) => (s.figures.txsSubmitted ?? 0) === 1)).values()
    expect(aggregator!.figures.steps).toBe(1)
    const joined = await devnet.waitForAll(['validator-4'], 'validator-4 proposing', (s) => (s.figures.proposals ?? 0) > 0, 30_000)
    expect(joined.get('validator-4')!.figures.txs).toBe(1)
  }, 60_000)

  it('SIGKILLed and restarted, sends its delegation again, which the chain does not apply twice', async () => {
    await devnet.stopNode('stake-aggregator-0', 'SIGKILL')
    devnet.startNode('stake-aggregator-0')
    // Restarted, it sends what has not expired again (its progress is in its LMDB store).
    const [restarted] = (await devnet.waitForAll(['stake-aggregator-0'], 'the delegation sent again', (s) => (s.figures.txsResent ?? 0) > 0)).values()
    expect(restarted!.figures).toMatchObject({ steps: 1, txsSubmitted: 0 })
    // Blocks go on past the resend; every validator still has one transaction committed: the delegation, once.
    const before = (await devnet.status('validator-0'))!.figures.height ?? 0
    const validators = await devnet.waitForAll(['validator-0', 'validator-1', 'validator-2', 'validator-3', 'validator-4'], 'five more heights', (s) => (s.figures.height ?? 0) >= before + 5)
    for (const [id, status] of validators) expect(status.figures.txs, id).toBe(1)
  }, 60_000)
})
