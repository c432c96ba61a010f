import { Schema } from 'effect'
import { Duration } from '../../shared/paramSchemas.ts'
import { applySlash, type OperatorView, type StakeView } from './aggregator.ts'
import { DecimalPrice, Identifier, Integer } from './fieldSchemas.ts'
import { sumAmounts, withAmount, withEntry } from './sortedMaps.ts'
import type { LstPosition } from './state.ts'

/**
 * Scripted evolution of the off-chain stake sources, for scenarios. `at` is the time
 * (µs from the run's start; "30s" in YAML) from which the step applies; steps with equal
 * `at` apply in script order. `operator` is the validator's consensus key — the actor
 * running the script resolves scenario node names to keys.
 */
const At = Duration
const Operator = Schema.String.pipe(Schema.minLength(1))

/** An EigenLayer deposit (> 0) or withdrawal (< 0) of shares, optionally by one restaker. */
export const LstSharesStep = Schema.Struct({ at: At, operator: Operator, strategy: Identifier, sharesDelta: Integer, staker: Schema.optionalWith(Identifier, { exact: true }) })
/** A stake (> 0) or unstake (< 0) of native $C with the staking contract; no delegator = self-stake. */
export const NativeStakeStep = Schema.Struct({ at: At, operator: Operator, nativeDelta: Integer, delegator: Schema.optionalWith(Identifier, { exact: true }) })
/** An oracle price as a decimal ("3000.5"). */
export const PriceStep = Schema.Struct({ at: At, asset: Identifier, price: DecimalPrice })

export const AggregatorScriptStepSchema = Schema.Union(LstSharesStep, NativeStakeStep, PriceStep)
export type AggregatorScriptStep = typeof AggregatorScriptStepSchema.Type
export const AggregatorScriptSchema = Schema.Array(AggregatorScriptStepSchema)

const noOperator: OperatorView = { native: new Map(), lst: new Map() }

/** Holdings cannot go below zero: a withdrawal larger than the holding takes all of it. */
const floorAtZero = (amount: bigint): bigint => (amount > 0n ? amount : 0n)

/** The view after one step. A step naming an unknown operator registers it. */
export const applyScript = (view: StakeView, step: AggregatorScriptStep): StakeView => {
  if ('price' in step) return { ...view, prices: withEntry(view.prices, step.asset, step.price) }
  const operator = view.operators.get(step.operator) ?? noOperator
  const next: OperatorView =
    'nativeDelta' in step
      ? { ...operator, native: moved(operator.native, step.delegator ?? step.operator, step.nativeDelta) }
      : { ...operator, lst: withPosition(operator.lst, step.strategy, movedShares(operator.lst.get(step.strategy), step)) }
  return { ...view, operators: withEntry(view.operators, step.operator, next) }
}

const moved = (amounts: ReadonlyMap<string, bigint>, holder: string, delta: bigint): ReadonlyMap<string, bigint> =>
  withAmount(amounts, holder, floorAtZero((amounts.get(holder) ?? 0n) + delta))

/**
 * A restaker's step keeps a per-restaker breakdown; shares nobody was named for (a
 * total without breakdown, a step without staker) count as the operator's own.
 * Without any restaker named, only the total moves.
 */
const movedShares = (position: LstPosition | undefined, step: typeof LstSharesStep.Type): LstPosition => {
  if (step.staker === undefined && position?.delegators === undefined) return { shares: floorAtZero((position?.shares ?? 0n) + step.sharesDelta) }
  const breakdown = position?.delegators ?? new Map(position === undefined ? [] : [[step.operator, position.shares]])
  const delegators = moved(breakdown, step.staker ?? step.operator, step.sharesDelta)
  return { shares: sumAmounts(delegators), delegators }
}

const withPosition = (positions: ReadonlyMap<string, LstPosition>, strategy: string, position: LstPosition): ReadonlyMap<string, LstPosition> => {
  const next = new Map(positions)
  if (position.shares === 0n) next.delete(strategy)
  else next.set(strategy, position)
  return next
}

/** A slash the aggregator mirrored in its view, just before script step `beforeStep`. */
export interface MirroredSlash {
  readonly beforeStep: number
  readonly pubKey: string
  readonly fraction: bigint
}

/**
 * The view before each step of the script, and after the last: from `genesis`, the steps
 * in order, each mirrored slash applied just before the step it came before. A step's
 * transactions are the difference it makes to the view before it, so a slash changes the
 * steps after it and never what an earlier step sent (which the aggregator may send again).
 */
export const viewsBeforeSteps = (genesis: StakeView, steps: readonly AggregatorScriptStep[], slashes: readonly MirroredSlash[]): StakeView[] => {
  const views: StakeView[] = []
  let view = genesis
  for (let i = 0; i <= steps.length; i++) {
    for (const slash of slashes) if (slash.beforeStep === i) view = applySlash(view, slash)
    views.push(view)
    if (i < steps.length) view = applyScript(view, steps[i]!)
  }
  return views
}
