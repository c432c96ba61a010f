import type { Tx } from '../chain/application.ts'
import { totalKey } from './totalOrder.ts'

/**
 * What the stake aggregator sends again. It learns nothing of what the chain included,
 * so it sends what it sent — steps, and restatements of slashes (aggregatorHistory.ts) —
 * again until it expires: the chain includes a signed change at most once
 * (replayProtection.ts), and a message lost or a validator crashed with the change in
 * its mempool no longer loses it.
 *
 * Deltas (delegate, undelegate) all count, so every one is sent again. A price or an LST
 * sync states a total, and only the latest for each thing is: the chain refuses an older
 * one once it holds a later one (totalOrder.ts), which is sent again anyway.
 */

/** Of the transactions of what was sent (`steps`, oldest first), those to send again: all but the totals a later one restates. */
export const toSendAgain = (steps: readonly (readonly Tx[])[]): Tx[] => {
  const latestStep = new Map<string, number>()
  steps.forEach((txs, step) => {
    for (const tx of txs) {
      const key = totalKey(tx)
      if (key !== undefined) latestStep.set(key, step)
    }
  })
  return steps.flatMap((txs, step) =>
    txs.filter((tx) => {
      const key = totalKey(tx)
      return key === undefined || latestStep.get(key) === step
    }),
  )
}
