import { Effect } from 'effect'
import { chainKinds } from '../../protocols/chain/index.ts'
import { KV_SET } from '../../protocols/kvstore/index.ts'
import type { ActorDef } from '../../runtime/actor.ts'
import { actorToolkit } from '../common/toolkit.ts'

export interface TxClientParams {
  /** Transactions per second. */
  readonly rate: number
  /** How many distinct keys the writes spread over. */
  readonly keys: number
  readonly valueBytes: number
}

const TICK = 'tx.tick'

/** A workload client: writes key-value transactions to any live validator at a fixed rate. */
export const txClient = (params: TxClientParams): ActorDef => ({
  role: 'client',
  kinds: { 'chain.tx': chainKinds['chain.tx'] },
  start: Effect.gen(function* () {
    const tk = yield* actorToolkit
    const interval = Math.max(1, Math.round(1_000_000 / params.rate))
    const figures = { txsSent: 0 }
    tk.timers.set(TICK, interval)
    return {
      onMessage: () => {},
      onTimer: () => {
        tk.timers.set(TICK, interval)
        const n = figures.txsSent++
        const value = `${tk.self.id}:${n}`.padEnd(params.valueBytes, '.')
        tk.transport.sendAny('validator', 'chain.tx', { type: KV_SET, key: `key-${tk.random.int(params.keys)}`, value })
      },
      figures: () => figures,
    }
  }),
})
