import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Data } from 'effect'
import type { ActorId } from '../address.ts'
import { LmdbStore } from '../store/lmdbStore.ts'
import { subjectToken } from './subjects.ts'

/**
 * A node's data directory:
 *
 *   node.key              its ed25519 seed (nodeKey.ts)
 *   node.pid              the pid of the process running it, while one does
 *   stores/<actor>/       one LMDB environment per actor (the name escaped as a subject token)
 */
export class DataDirError extends Data.TaggedError('DataDirError')<{ readonly path: string; readonly detail: string; readonly hint: string }> {
  override get message(): string {
    return `${this.path}: ${this.detail}`
  }
}

export const storeDir = (dataDir: string, actor: ActorId): string => join(dataDir, 'stores', subjectToken(actor))

/** Opens every actor's store up front, so a damaged one stops the node with a clear error before anything runs. */
export const openStores = (dataDir: string, actors: readonly ActorId[]): Map<ActorId, LmdbStore> => {
  const stores = new Map<ActorId, LmdbStore>()
  for (const actor of actors) {
    const dir = storeDir(dataDir, actor)
    mkdirSync(dir, { recursive: true })
    stores.set(actor, LmdbStore.open(dir))
  }
  return stores
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const pidFile = (dataDir: string): string => join(dataDir, 'node.pid')

/** The pid the data directory's pid file names (the node running on it, or one that was killed), if any. */
export const pidInDataDir = (dataDir: string): number | undefined => {
  try {
    const pid = Number(readFileSync(pidFile(dataDir), 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/**
 * Claims the data directory for this process: two processes with one identity would
 * sign conflicting messages and share stores. A pid file left by a killed process names a
 * dead pid and is taken over. Returns the release.
 */
export const claimDataDir = (dataDir: string): (() => void) => {
  const path = pidFile(dataDir)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' })
      return () => rmSync(path, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DataDirError({ path: dataDir, detail: (error as Error).message, hint: 'choose a --data directory you can write' })
      }
      const holder = pidInDataDir(dataDir)
      if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
        throw new DataDirError({ path: dataDir, detail: `another node (pid ${holder}) runs on this data directory`, hint: `stop it first (kill ${holder})` })
      }
      rmSync(path, { force: true })
    }
  }
  throw new DataDirError({ path: dataDir, detail: 'cannot claim node.pid', hint: 'remove node.pid if no node runs here' })
}
