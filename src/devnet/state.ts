import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { Either, Schema } from 'effect'

/**
 * What `strata devnet up` started, written to devnet.state.json so that `status` and
 * `down` work from another terminal. Removed when the devnet stops.
 */
const ProcessEntry = Schema.Struct({ pid: Schema.Int, log: Schema.String })

const DevnetState = Schema.Struct({
  network: Schema.String,
  networkFile: Schema.String,
  startedAt: Schema.String,
  /** The `devnet up` process, when it stays in the foreground. */
  upPid: Schema.optional(Schema.Int),
  nats: Schema.extend(ProcessEntry, Schema.Struct({ url: Schema.String, port: Schema.Int, config: Schema.String })),
  nodes: Schema.Array(
    Schema.extend(ProcessEntry, Schema.Struct({ id: Schema.String, role: Schema.String, data: Schema.String, metricsPort: Schema.optional(Schema.Int) })),
  ),
})
export type DevnetState = Schema.Schema.Type<typeof DevnetState>

export const writeState = (path: string, state: DevnetState): void => {
  // Written whole to a temporary file and renamed, so a reader never sees half a state.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(`${path}.tmp`, path)
}

/** The state, or undefined when no devnet runs here (no file). A damaged file is an error. */
export const readState = (path: string): Either.Either<DevnetState | undefined, string> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? Either.right(undefined) : Either.left((error as Error).message)
  }
  try {
    return Either.mapLeft(Schema.decodeUnknownEither(DevnetState)(JSON.parse(text)), (e) => e.message.split('\n')[0] ?? 'invalid')
  } catch (error) {
    return Either.left(`not JSON: ${(error as Error).message}`)
  }
}

export const removeState = (path: string): void => rmSync(path, { force: true })

/** The markers that identify a state entry's process on its command line (see isOurs). */
export const natsMarkers = (state: DevnetState): string[] => ['nats-server', state.nats.config]
export const nodeMarkers = (state: DevnetState, id: string): string[] => [id, state.networkFile]
