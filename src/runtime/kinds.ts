import { Schema } from 'effect'
import { compileGuard, type Guard } from '../shared/schemaGuard.ts'

/** Message kinds an actor accepts, each with the schema of its body. */
export type KindSchemas = Readonly<Record<string, Schema.Schema<any, any, never>>>

/**
 * All kinds known to a node (or a whole simulation), each schema compiled once into a
 * guard that accepts what `Schema.is` accepts (src/shared/schemaGuard.ts), fast enough to run
 * on every delivered envelope.
 */
export class KindRegistry {
  private readonly guards = new Map<string, Guard>()
  private readonly schemas = new Map<string, Schema.Schema<any, any, never>>()

  register(kinds: KindSchemas): this {
    for (const kind of Object.keys(kinds).sort()) {
      const schema = kinds[kind]!
      const known = this.schemas.get(kind)
      if (known === schema) continue
      if (known !== undefined) throw new Error(`message kind "${kind}" registered twice with different schemas`)
      this.schemas.set(kind, schema)
      this.guards.set(kind, compileGuard(schema))
    }
    return this
  }

  has(kind: string): boolean {
    return this.guards.has(kind)
  }

  /** Undefined when the kind is unknown. */
  guard(kind: string): Guard | undefined {
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
