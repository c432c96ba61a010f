import type { Tx } from '../chain/application.ts'

/**
 * What the stake aggregator sends again. It learns nothing of what the chain included,
 * so it sends each step's transactions again until they expire: the chain includes a
 * signed change at most once (replayProtection.ts), and a message lost or a validator
 * crashed with the change in its mempool no longer loses it.
 *
 * Deltas (delegate, undelegate) all count, so every one is sent again. A price or an LST
 * sync states a total: sent again after a later step's total for the same thing, it
 * would put the older one back, so only the latest step's is.
 */

/** What a transaction states the whole of, if it does: a later one with the same key replaces it. */
const replacedBy = (tx: Tx): string | undefined => {
  if (tx.type === 'staking.set-price') return `price ${String(tx['asset'])}`
  if (tx.type === 'staking.sync-lst') return `lst ${String(tx['operator'])} ${String(tx['strategy'])}`
  return undefined
}

/** Of the steps' transactions (`steps` oldest first), those to send again: all but the totals a later step restates. */
export const toSendAgain = (steps: readonly (readonly Tx[])[]): Tx[] => {
  const latestStep = new Map<string, number>()
  steps.forEach((txs, step) => {
    for (const tx of txs) {
      const key = replacedBy(tx)
      if (key !== undefined) latestStep.set(key, step)
    }
  })
  return steps.flatMap((txs, step) =>
    txs.filter((tx) => {
      const key = replacedBy(tx)
      return key === undefined || latestStep.get(key) === step
    }),
  )
}
