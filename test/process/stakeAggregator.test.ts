import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProcessDevnet } from './support/processDevnet.ts'

/**
 * Stake across processes: the stake aggregator signs its delegation with its node key, the
 * validators know that key from the network file as the only stake authority, and the
 * node outside the genesis set joins and proposes.
 */
let devnet: ProcessDevnet

beforeAll(async () => {
  devnet = await ProcessDevnet.create('test/process/fixtures/joining-validator.yaml')
  await devnet.startAll('five validators and the stake aggregator up')
}, 120_000)

afterAll(async () => {
  await devnet?.dispose()
}, 60_000)

describe('a stake aggregator process', () => {
  it('brings a validator process into the set with its signed delegation', async () => {
    const [aggregator] = (await devnet.waitForAll(['stake-aggregator-0'], 'the delegation submitted', (s) => (s.figures.txsSubmitted ?? 0) === 1)).values()
    expect(aggregator!.figures.steps).toBe(1)
    const joined = await devnet.waitForAll(['validator-4'], 'validator-4 proposing', (s) => (s.figures.proposals ?? 0) > 0, 30_000)
    expect(joined.get('validator-4')!.figures.txs).toBe(1)
  }, 60_000)
})
