import { Schema } from 'effect'

/** Message kinds an actor accepts, each with the schema of its body. */
export type KindSchemas = Readonly<Record<string, Schema.Schema<any, any, never>>>

/**
 * All kinds known to a node (or a whole simulation), compiled once into fast guards.
 * `Schema.is` checks shape without building a new value, which keeps the schema check
 * cheap enough to run on every delivered envelope.
 */
export class KindRegistry {
  private readonly guards = new Map<string, (u: unknown) => boolean>()
  private readonly schemas = new Map<string, Schema.Schema<any, any, never>>()

  register(kinds: KindSchemas): this {
    for (const kind of Object.keys(kinds).sort()) {
      const schema = kinds[kind]!
      const known = this.schemas.get(kind)
      if (known !== undefined && known !== schema) throw new Error(`message kind "${kind}" registered twice with different schemas`)
      this.schemas.set(kind, schema)
      this.guards.set(kind, Schema.is(schema) as (u: unknown) => boolean)
    }
    return this
  }

  has(kind: string): boolean {
    return this.guards.has(kind)
  }

  /** Undefined when the kind is unknown. */
  guard(kind: string): ((u: unknown) => boolean) | undefined {
    return this.guards.get(kind)
  }

  /** The schema of a kind, for a precise error message when a guard fails. */
  schema(kind: string): Schema.Schema<any, any, never> | undefined {
    return this.schemas.get(kind)
  }

  kinds(): string[] {
    return [...this.guards.keys()].sort()
  }
}
