import type { Tx } from '../chain/application.ts'
import { diffToTxs, type StakeView } from './aggregator.ts'
import { viewsBeforeSteps, type AggregatorScriptStep, type MirroredSlash } from './aggregatorScript.ts'

/**
 * What the stake aggregator sends, in order: its script's steps, and between them the
 * restatements of the slashes it mirrors. A restatement is needed because a total it sent
 * before learning of a slash may land after the slash: it would put the slashed shares
 * back. So, on mirroring a slash, it restates the operator's LST totals as the slash left
 * them, and the totals of each entry are as of the entry's place in this history: a total
 * from before the slash that lands after the restatement is refused as older
 * (totalOrder.ts), and one that lands before it is replaced by it.
 *
 * Places follow from the durable progress alone — the steps sent, and the step each
 * slash came before — so a restarted aggregator signs every entry as it did before.
 */

/** The place of step `index`: the steps before it and the slashes mirrored before it. */
export const stepPlace = (index: number, slashes: readonly MirroredSlash[]): number => index + slashes.filter((slash) => slash.beforeStep <= index).length

/** The place of the restatement of `slashes[m]`: the steps before it and the slashes mirrored earlier. */
export const restatementPlace = (m: number, slashes: readonly MirroredSlash[]): number => slashes[m]!.beforeStep + m

/**
 * The totals that `slashes[m]` changed, as it left them: sync-lst of each of the
 * operator's strategies whose shares it cut, in the view before the step it came before,
 * slashes up to it mirrored. Its native stake is not restated: the chain cut that itself,
 * and native changes are sent as deltas, which no earlier one can undo.
 */
export const restatedTotals = (genesis: StakeView, steps: readonly AggregatorScriptStep[], slashes: readonly MirroredSlash[], m: number): Tx[] => {
  const { beforeStep } = slashes[m]!
  const before = viewsBeforeSteps(genesis, steps, slashes.slice(0, m))[beforeStep]!
  const after = viewsBeforeSteps(genesis, steps, slashes.slice(0, m + 1))[beforeStep]!
  return diffToTxs(before, after).filter((tx) => tx.type === 'staking.sync-lst')
}
