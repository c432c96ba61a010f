import { Schema } from 'effect'
import { Duration, PositiveDuration, PositiveInt } from '../../shared/paramSchemas.ts'
import { DecimalPrice, FractionPpm, Identifier, PositiveAmount, PubKeyHex } from './fieldSchemas.ts'
import { NATIVE_ASSET, PPM, PRICE_ONE } from './ratios.ts'

/**
 * Staking and slashing parameters. Defaults are Cosmos SDK x/staking + x/slashing
 * (reference §3.8): Chainbase publishes none. Durations are µs; fractions are parts per
 * million (see ratios.ts); prices are fixed-point integers (PRICE_DECIMALS).
 */
export interface StakingParams {
  /** $C-Stake base units per unit of consensus voting power. */
  readonly powerReduction: bigint
  /** Size of the active validator set. */
  readonly maxValidators: number
  /** From undelegation to the tokens' release. */
  readonly unbondingTime: number
  readonly slashFractionDoubleSign: bigint
  readonly slashFractionDowntime: bigint
  /** Blocks over which liveness is judged. */
  readonly signedBlocksWindow: number
  /** Share of the window a validator must sign. */
  readonly minSignedPerWindow: bigint
  readonly downtimeJailDuration: number
  /** Discount on each LST strategy's converted value (mesh-security style); absent = 0. */
  readonly haircuts: ReadonlyMap<string, bigint>
  /** Oracle prices at genesis, by asset (`C` for the native token, else the LST strategy). */
  readonly initialPrices: ReadonlyMap<string, bigint>
  /**
   * Public keys (hex) whose signature a stake change needs (see authorize.ts): the stake
   * aggregators'. Absent, anyone's transactions count — for tools and tests that drive the
   * application alone; the validator role always names its network's stake aggregators.
   */
  readonly authorities?: readonly string[]
  /**
   * How far past a block's time a signed stake change may expire (its `expiresAt`): the
   * bound on how long included ones are remembered against replay. Cosmos SDK's
   * DefaultMaxTimeoutDuration for unordered transactions (ADR 070): 10 minutes.
   */
  readonly maxTxTimeout: number
}

const DAY_MICROS = 86_400_000_000

export const defaultStakingParams: StakingParams = {
  powerReduction: 1_000_000n,
  maxValidators: 100,
  unbondingTime: 21 * DAY_MICROS,
  slashFractionDoubleSign: PPM / 20n,
  slashFractionDowntime: PPM / 100n,
  signedBlocksWindow: 100,
  minSignedPerWindow: PPM / 2n,
  downtimeJailDuration: 600_000_000,
  haircuts: new Map(),
  initialPrices: new Map([[NATIVE_ASSET, PRICE_ONE]]),
  maxTxTimeout: 600_000_000,
}

const withDefault = <S extends Schema.Schema.Any>(schema: S, value: Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { exact: true, default: () => value })

const ScenarioParams = Schema.Struct({
  powerReduction: withDefault(PositiveAmount, defaultStakingParams.powerReduction),
  maxValidators: withDefault(PositiveInt, defaultStakingParams.maxValidators),
  unbondingTime: withDefault(Duration, defaultStakingParams.unbondingTime),
  slashFractionDoubleSign: withDefault(FractionPpm, defaultStakingParams.slashFractionDoubleSign),
  slashFractionDowntime: withDefault(FractionPpm, defaultStakingParams.slashFractionDowntime),
  signedBlocksWindow: withDefault(PositiveInt, defaultStakingParams.signedBlocksWindow),
  minSignedPerWindow: withDefault(FractionPpm, defaultStakingParams.minSignedPerWindow),
  downtimeJailDuration: withDefault(Duration, defaultStakingParams.downtimeJailDuration),
  haircuts: withDefault(Schema.ReadonlyMapFromRecord({ key: Identifier, value: FractionPpm }), defaultStakingParams.haircuts),
  initialPrices: withDefault(Schema.ReadonlyMapFromRecord({ key: Identifier, value: DecimalPrice }), new Map()),
  authorities: Schema.optionalWith(Schema.Array(PubKeyHex), { exact: true }),
  maxTxTimeout: withDefault(PositiveDuration, defaultStakingParams.maxTxTimeout),
})

/**
 * Scenario form: every field optional. Durations as "30s" / "500ms" / "1h" / ms numbers,
 * fractions as numbers in [0, 1], prices as decimals ({ C: 1, stETH: "3000.5" }).
 * Given `initialPrices` add to (or override) the default $C price of 1, so that a
 * scenario naming only its LST prices still has the $C price the conversion divides by.
 */
export const StakingParamsSchema = Schema.transform(ScenarioParams, Schema.typeSchema(ScenarioParams), {
  strict: true,
  decode: (params) => ({ ...params, initialPrices: new Map([...defaultStakingParams.initialPrices, ...params.initialPrices]) }),
  encode: (params) => params,
})
