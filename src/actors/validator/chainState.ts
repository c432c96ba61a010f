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
 * How many heights below the last one keep their validator set, block id, time and
 * commit round in memory: what consensus, block checks and block sync read (they look
 * one height back). A node runs for days at tens of heights a second, so older heights
 * keep only what evidence checks need: the set's members and powers where they changed
 * (`membersAt`), and the block time, which the block store has (`blockTimeAt`).
 */
export const RECENT_HEIGHTS = 1_000

/**
 * What a validator knows about the committed chain: the application state after the
 * last block, and per recent height the validator set, block id and time (needed to check
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
  /** The sets from which on the members or their powers changed, by first height, ascending. */
  private readonly memberChanges: { readonly from: number; readonly set: ValidatorSet }[] = []

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
    this.keepSet(1, first)
    this.keepSet(2, nextValidatorSet(first, []))
  }

  /** The validator set of a height no more than RECENT_HEIGHTS below the last one, or of the next two. */
  setAt(height: number): ValidatorSet | undefined {
    return this.sets.get(height)
  }

  /**
   * The members of `height`'s set and their powers, for any height up to the next two:
   * its set where it is recent, else the set of the height where the members last
   * changed before it (whose proposer priorities are that height's, not this one's).
   */
  membersAt(height: number): ValidatorSet | undefined {
    const recent = this.sets.get(height)
    if (recent !== undefined || height < 1 || height > this.height + 2) return recent
    let found: ValidatorSet | undefined
    for (const change of this.memberChanges) {
      if (change.from > height) break
      found = change.set
    }
    return found
  }

  /** The identities' lookup itself, shared by the validators sharing them (so that answers computed with it are shared too). */
  get pubKeyOf(): (address: string) => string {
    return this.identities.pubKeyOf
  }

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
    this.keepSet(height + 2, nextValidatorSet(this.sets.get(height + 1)!, updates))
    this.forget(height - RECENT_HEIGHTS)
    return result
  }

  private keepSet(height: number, set: ValidatorSet): void {
    this.sets.set(height, set)
    const last = this.memberChanges.at(-1)?.set
    if (last === undefined || !sameMembers(last, set)) this.memberChanges.push({ from: height, set })
  }

  private forget(height: number): void {
    this.sets.delete(height)
    this.blockIds.delete(height)
    this.blockTimes.delete(height)
    this.commitRounds.delete(height)
  }
}

const sameMembers = (a: ValidatorSet, b: ValidatorSet): boolean =>
  a.validators.length === b.validators.length && a.validators.every((v, i) => v.address === b.validators[i]!.address && v.power === b.validators[i]!.power)
