import { Context, Effect } from 'effect'
import { BulkChannel, Clock, Directory, Keys, Log, Metrics, Random, Reports, Self, Store, Timers, Transport, type ActorServices } from '../../runtime/services.ts'

/**
 * All of an actor's services as one plain object, read once when the actor starts, so
 * that message handlers (synchronous, run per message) use them without Effect overhead.
 * Read from the context in one step: `Effect.all` over the twelve tags ran the fiber
 * machinery once per service, most of an actor's start-up.
 */
export const actorToolkit = Effect.map(Effect.context<ActorServices>(), (services) => ({
  self: Context.get(services, Self),
  clock: Context.get(services, Clock),
  timers: Context.get(services, Timers),
  transport: Context.get(services, Transport),
  bulk: Context.get(services, BulkChannel),
  random: Context.get(services, Random),
  store: Context.get(services, Store),
  log: Context.get(services, Log),
  metrics: Context.get(services, Metrics),
  reports: Context.get(services, Reports),
  directory: Context.get(services, Directory),
  keys: Context.get(services, Keys),
}))

export type ActorToolkit = Effect.Effect.Success<typeof actorToolkit>
