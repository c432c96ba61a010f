import type { Effect } from 'effect'
import type { Envelope } from './envelope.ts'
import type { KindSchemas } from './kinds.ts'
import type { ActorServices } from './services.ts'

/**
 * What a running actor does with its inputs. Handlers run one at a time and to
 * completion; a handler that throws is a crash of this actor, handled by its supervisor.
 */
export interface Behavior {
  onMessage(envelope: Envelope): void
  onTimer?(name: string, data: unknown): void
  /** Called on a clean stop (not on a crash). */
  onStop?(): void
  /** Role figures for status and the run summary (numbers only, so they aggregate). */
  figures?(): Readonly<Record<string, number>>
}

/**
 * An actor definition. `start` runs at first start and at every restart; it is where
 * an actor reads its durable state back from the Store, so a restarted actor resumes.
 */
export interface ActorDef<E = unknown> {
  readonly role: string
  /** The message kinds this actor accepts, with their schemas (checked on decode). */
  readonly kinds: KindSchemas
  /** Topics subscribed at start. */
  readonly topics?: readonly string[]
  /**
   * The parameters it was built from, which every node of the network can read in the
   * directory, as every node of a chain knows its genesis (see DirectoryService.paramsOf).
   */
  readonly params?: unknown
  readonly start: Effect.Effect<Behavior, E, ActorServices>
}
