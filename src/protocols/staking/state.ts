import type { StakingParams } from './params.ts'

/**
 * The staking application's state. Immutable: every transition returns new objects, so
 * a validator can keep the state it committed while computing the next one.
 */

/** An operator's restaked shares in one EigenLayer strategy, as the relayer last synced them. */
export interface LstPosition {
  readonly shares: bigint
  /** Per-restaker breakdown when the relayer sends one; it always sums to `shares`. */
  readonly delegators?: ReadonlyMap<string, bigint>
}

/** Liveness record over the last `signedBlocksWindow` blocks (x/slashing `ValidatorSigningInfo`). */
export interface SigningInfo {
  /** Blocks recorded since the last reset; the next goes to bit `recorded % window`. */
  readonly recorded: number
  /** Bit i set ⇔ the block recorded at window index i was missed. */
  readonly missedBitmap: bigint
  readonly missedCount: number
}

/** Until this time (µs) a double-signer is jailed: forever, like Cosmos's year-9999 end time. */
export const JAILED_FOREVER = Number.MAX_SAFE_INTEGER

export interface ValidatorRecord {
  /** Native $C staked by the operator itself (a delegation whose delegator is the operator's key). */
  readonly selfStake: bigint
  /** Native $C delegated by others: delegator → amount (never zero). */
  readonly delegations: ReadonlyMap<string, bigint>
  /** Restaked LST shares by strategy (never zero). */
  readonly lstShares: ReadonlyMap<string, LstPosition>
  /** null when not jailed; jailed validators stay so until an unjail transaction at or after this time. */
  readonly jailedUntil: number | null
  /** Double-signed: jailed forever, never slashed again. */
  readonly tombstoned: boolean
  readonly signing: SigningInfo
}

/** Native stake on its way out: no longer counted, still slashable for earlier faults. */
export interface UnbondingEntry {
  readonly validator: string
  readonly delegator: string
  readonly amount: bigint
  readonly creationHeight: number
  readonly completionTime: number
}

export interface StakingState {
  /** The chain's id, which signed transactions are bound to (see chain/txSignature.ts). */
  readonly chainId: string
  readonly params: StakingParams
  /** By consensus public key (hex), which also names the operator. */
  readonly validators: ReadonlyMap<string, ValidatorRecord>
  /** Latest oracle price by asset (fixed point, see ratios.ts). */
  readonly prices: ReadonlyMap<string, bigint>
  /** Ordered by completion time (then creation), so maturing takes a prefix. */
  readonly unbonding: readonly UnbondingEntry[]
  /** The set last sent to consensus (pubKey → power), to send only changes. */
  readonly lastValidatorSet: ReadonlyMap<string, bigint>
  /** The time (µs) of the last block finalized; the genesis time before the first. */
  readonly lastBlockTime: number
  /** Signed transactions included and not yet expired: signed-content id → expiresAt (see replayProtection.ts). */
  readonly recentTxs: ReadonlyMap<string, number>
  /** The `asOf` of each total held (by totalOrder.ts's key): an older total is refused. */
  readonly totalsAsOf: ReadonlyMap<string, number>
}

export const freshSigningInfo: SigningInfo = { recorded: 0, missedBitmap: 0n, missedCount: 0 }

export const newValidatorRecord = (selfStake: bigint): ValidatorRecord => ({
  selfStake,
  delegations: new Map(),
  lstShares: new Map(),
  jailedUntil: null,
  tombstoned: false,
  signing: freshSigningInfo,
})

export const withValidator = (state: StakingState, pubKey: string, record: ValidatorRecord): StakingState => ({
  ...state,
  validators: new Map(state.validators).set(pubKey, record),
})
