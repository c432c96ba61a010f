import { decode } from 'cborg'
import { canonicalBytes, canonicalHash } from '../../shared/canonicalHash.ts'
import type { Application, BlockInfo, FinalizeResult, PrepareProposalInfo, Tx, TxResult, ValidatorUpdate } from './application.ts'
import { txPrefix } from './tx.ts'

/** The combined state: each application's own state under its name. */
export type ComposedState = Readonly<Record<string, unknown>>

/** Code of a transaction no application owns. */
export const UNKNOWN_APP_CODE = 1

/** Each application has its own state type; the composition only hands each its own back. */
type AnyApplication = Application<any>

/**
 * Several applications as one (what the chain runs: kv, staking, …). A transaction goes
 * to the application its type prefix names; one no application owns is refused at
 * CheckTx and makes a proposal invalid. Every application sees every block, with its own
 * transactions in block order, so per-block work (rewards, evidence) happens even in
 * blocks without its transactions.
 */
export const composeApps = (apps: readonly AnyApplication[]): Application<ComposedState> => {
  const byName = new Map<string, AnyApplication>()
  for (const app of apps) {
    if (app.name === '' || app.name.includes('.')) throw new Error(`application name "${app.name}" cannot be a tx type prefix`)
    if (byName.has(app.name)) throw new Error(`two applications named "${app.name}"`)
    byName.set(app.name, app)
  }
  const stateOf = (state: ComposedState, app: AnyApplication): unknown => state[app.name]
  const txsOf = (txs: readonly Tx[], app: AnyApplication): Tx[] => txs.filter((tx) => txPrefix(tx) === app.name)
  const unknown = (tx: Tx): TxResult => ({ code: UNKNOWN_APP_CODE, log: `no application owns tx type "${tx.type}"` })

  return {
    name: apps.map((a) => a.name).join('+'),
    init: (genesis) => Object.fromEntries(apps.map((app) => [app.name, app.init(genesis)])),
    checkTx: (state, tx) => {
      const app = byName.get(txPrefix(tx))
      return app === undefined ? unknown(tx) : app.checkTx(stateOf(state, app), tx)
    },
    // Each application picks among its own transactions; its picks come out in application order.
    prepareProposal: (state, txs, info) => {
      const infoFor = ownExtensions(info)
      return apps.flatMap((app) => [...app.prepareProposal(stateOf(state, app), txsOf(txs, app), infoFor(app.name))])
    },
    processProposal: (state, txs, info) =>
      txs.every((tx) => byName.has(txPrefix(tx))) && apps.every((app) => app.processProposal(stateOf(state, app), txsOf(txs, app), info)),
    extendVote: (state, height, blockId) => {
      const extensions = apps.flatMap((app) => {
        const extension = app.extendVote(stateOf(state, app), height, blockId)
        return extension.length === 0 ? [] : [[app.name, extension] as const]
      })
      return canonicalBytes(Object.fromEntries(extensions))
    },
    verifyVoteExtension: (state, height, blockId, extension) => {
      const parts = decodeExtensions(extension)
      if (parts === undefined || Object.keys(parts).some((name) => !byName.has(name))) return false
      return apps.every((app) => app.verifyVoteExtension(stateOf(state, app), height, blockId, parts[app.name] ?? new Uint8Array()))
    },
    finalizeBlock: (state, txs, info) => finalizeAll(apps, state, txs, info, unknown),
    appHash: (state) => canonicalHash(Object.fromEntries(apps.map((app) => [app.name, app.appHash(stateOf(state, app))]))),
  }
}

const NO_EXTENSION = new Uint8Array()

/**
 * The PrepareProposal info each application gets: every vote extension of the previous
 * height cut down to that application's own part, as `extendVote` made it. A part that
 * is missing or does not decode (a late precommit is only signature-checked) is empty.
 */
const ownExtensions = (info: PrepareProposalInfo): ((name: string) => PrepareProposalInfo) => {
  const local = info.localLastCommit
  if (local === undefined || local.votes.every((v) => v.extension.length === 0)) return () => info
  const parts = local.votes.map((v) => (v.extension.length === 0 ? undefined : decodeExtensions(v.extension)))
  return (name) => ({
    ...info,
    localLastCommit: { round: local.round, votes: local.votes.map((v, i) => ({ ...v, extension: parts[i]?.[name] ?? NO_EXTENSION })) },
  })
}

/** A combined extension is a CBOR map of application name to its (non-empty) extension. */
const decodeExtensions = (bytes: Uint8Array): Readonly<Record<string, Uint8Array>> | undefined => {
  try {
    const value: unknown = decode(bytes, { strict: true, useMaps: false, rejectDuplicateMapKeys: true })
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    const entries = Object.entries(value)
    return entries.every(([, v]) => v instanceof Uint8Array) ? (value as Record<string, Uint8Array>) : undefined
  } catch {
    return undefined
  }
}

/** Runs every application on its transactions and puts the results back in block order. */
const finalizeAll = (
  apps: readonly AnyApplication[],
  state: ComposedState,
  txs: readonly Tx[],
  info: BlockInfo,
  unknown: (tx: Tx) => TxResult,
): FinalizeResult<ComposedState> => {
  const results: TxResult[] = txs.map(unknown)
  const next: Record<string, unknown> = {}
  const validatorUpdates: ValidatorUpdate[] = []
  const events: FinalizeResult<ComposedState>['events'][number][] = []
  for (const app of apps) {
    const positions = txs.flatMap((tx, i) => (txPrefix(tx) === app.name ? [i] : []))
    const result = app.finalizeBlock(state[app.name], positions.map((i) => txs[i]!), info)
    positions.forEach((position, k) => {
      results[position] = result.txResults[k]!
    })
    next[app.name] = result.state
    validatorUpdates.push(...result.validatorUpdates)
    events.push(...result.events)
  }
  return { state: next, txResults: results, validatorUpdates, events }
}
