import { Effect } from 'effect'
import { BulkChannel, Clock, Directory, Keys, Log, Metrics, Random, Reports, Self, Store, Timers, Transport } from '../../runtime/services.ts'

/**
 * All of an actor's services as one plain object, read once when the actor starts, so
 * that message handlers (synchronous, run per message) use them without Effect overhead.
 */
export const actorToolkit = Effect.all({
  self: Self,
  clock: Clock,
  timers: Timers,
  transport: Transport,
  bulk: BulkChannel,
  random: Random,
  store: Store,
  log: Log,
  metrics: Metrics,
  reports: Reports,
  directory: Directory,
  keys: Keys,
})

export type ActorToolkit = Effect.Effect.Success<typeof actorToolkit>
