import type { ActorId } from './address.ts'
import type { DirectoryEntry, DirectoryService } from './services.ts'

/** A directory over a fixed list of actors, in the order given, with a role index. */
export const directoryOf = (entries: readonly DirectoryEntry[]): DirectoryService => {
  const byRole = new Map<string, ActorId[]>()
  const byId = new Map(entries.map((e) => [e.id, e]))
  for (const e of entries) {
    let list = byRole.get(e.role)
    if (list === undefined) byRole.set(e.role, (list = []))
    list.push(e.id)
  }
  return { all: () => entries, ofRole: (role) => byRole.get(role) ?? [], paramsOf: (actor) => byId.get(actor)?.params }
}
