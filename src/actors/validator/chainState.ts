import {
  blockInfoOf,
  blockIdOf,
  type Application,
  type Block,
  type Commit,
  type ComposedState,
  type FinalizeResult,
  type Genesis,
} from '../../protocols/chain/index.ts'
import type { ValidatorSet } from '../../protocols/tendermint/index.ts'
import type { ValidatorIdentities } from './identities.ts'
import { genesisValidatorSet, nextValidatorSet } from './sharedValidatorSets.ts'

/**
 * What a validator knows about the committed chain: the application state after the
 * last block, and per height the validator set, block id and time (needed to check
 * later blocks, commits and evidence). Rebuilt at start by replaying the stored blocks,
 * so only blocks and commits need to be durable.
 */
export class ChainState {
  /** The last committed height (0 before the first block). */
  height = 0
  appState: ComposedState
  /** The state the last block was executed on: what its precommits' vote extensions extended (undefined before the first block). */
  previousAppState: ComposedState | undefined = undefined
  appHash: string
  readonly sets = new Map<number, ValidatorSet>()
  readonly blockIds = new Map<number, string>()
  readonly blockTimes = new Map<number, number>()
  /** The round in which each height was decided (its commit's round). */
  readonly commitRounds = new Map<number, number>()

  constructor(
    readonly app: Application<ComposedState>,
    readonly genesis: Genesis,
    private readonly identities: ValidatorIdentities,
  ) {
    this.appState = app.init(genesis)
    this.appHash = app.appHash(this.appState)
    const first = genesisValidatorSet(
      genesis.validators.filter((v) => v.power > 0n).map((v) => ({ address: this.identities.withPubKey(v.pubKey)!.address, power: v.power })),
    )
    this.sets.set(1, first)
    this.sets.set(2, nextValidatorSet(first, []))
  }

  setAt(height: number): ValidatorSet | undefined {
    return this.sets.get(height)
  }

  pubKeyOf = (address: string): string => this.identities.withAddress(address)?.pubKey ?? address

  /** FinalizeBlock + Commit: the application runs the block, the set of height + 2 follows from its updates. */
  apply(block: Block, commit: Commit): FinalizeResult<ComposedState> {
    const height = block.header.height
    const result = this.app.finalizeBlock(this.appState, block.txs, blockInfoOf(block, this.sets.get(height - 1) ?? null, this.pubKeyOf))
    this.previousAppState = this.appState
    this.appState = result.state
    this.appHash = this.app.appHash(result.state)
    this.height = height
    this.blockIds.set(height, blockIdOf(block))
    this.blockTimes.set(height, block.header.time)
    this.commitRounds.set(height, commit.round)
    const updates = result.validatorUpdates.flatMap((u) => {
      const identity = this.identities.withPubKey(u.pubKey)
      return identity === undefined ? [] : [{ address: identity.address, power: u.power }]
    })
    this.sets.set(height + 2, nextValidatorSet(this.sets.get(height + 1)!, updates))
    return result
  }
}
