import { Schema } from 'effect'
import type { Tx, TxResult } from '../chain/application.ts'
import { txSignBytes } from '../chain/txSignature.ts'
import { sha256Hex } from '../../shared/canonicalHash.ts'
import { StakingTxCode } from './decodeTx.ts'
import type { StakingState } from './state.ts'

/**
 * Replay protection for signed stake changes, after Cosmos SDK's unordered transactions
 * (ADR 070, v0.53): a signed transaction carries `expiresAt`, a chain time (µs) at most
 * `maxTxTimeout` past the block that includes it, and the state remembers every one that
 * executed until it expires. Without it, anyone who saw a signed delegation (a proposer above
 * all) could put it in a block again and bond the stake twice. Unlike ADR 070, which keys
 * on (timeout, sender) and so needs a distinct timeout per transaction, entries are keyed
 * on what was signed: the aggregator may send a step's transactions with one expiry.
 * Sequences, the Cosmos default, would make a transaction arriving before its
 * predecessor fail; the aggregator's go to whichever validator is up, in no fixed order.
 */

const isExpiresAt = Schema.is(Schema.Int.pipe(Schema.nonNegative()))

/** What a signed transaction is remembered by: the hash of the bytes its signer signed. */
export const signedContentId = (chainId: string, tx: Tx): string => sha256Hex(txSignBytes(chainId, tx))

/**
 * Why `tx` cannot be included at `blockTime`, if it cannot: no `expiresAt`, expired,
 * expiring further ahead than `maxTxTimeout`, or already included. Without a block time
 * (mempool admission, before the next block's time is known) it is judged against the
 * last block's, and only the ceiling is left to the block.
 */
export const replayProblem = (state: StakingState, tx: Tx, blockTime: number | undefined): TxResult | undefined => {
  const expiresAt = tx['expiresAt']
  if (!isExpiresAt(expiresAt)) {
    return { code: StakingTxCode.timeout, log: `${tx.type}: a signed stake change needs expiresAt, a chain time in µs (found ${shown(expiresAt)})` }
  }
  const now = blockTime ?? state.lastBlockTime
  if (expiresAt <= now) return { code: StakingTxCode.timeout, log: `${tx.type} expired at ${expiresAt}, before the block time ${now}` }
  if (blockTime !== undefined && expiresAt > blockTime + state.params.maxTxTimeout) {
    return { code: StakingTxCode.timeout, log: `${tx.type} expires at ${expiresAt}, more than maxTxTimeout (${state.params.maxTxTimeout} µs) after the block time ${blockTime}` }
  }
  if (state.recentTxs.has(signedContentId(state.chainId, tx))) return { code: StakingTxCode.replayed, log: `${tx.type} was already included (a replay)` }
  return undefined
}

/** A field's value for a log line, whatever it is (JSON.stringify throws on a bigint). */
const shown = (value: unknown): string =>
  value === undefined ? 'none' : typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? 'an object' : String(value)

/** `state` remembering `tx` (which passed replayProblem and executed) until it expires. */
export const rememberTx = (state: StakingState, tx: Tx): StakingState => ({
  ...state,
  recentTxs: new Map(state.recentTxs).set(signedContentId(state.chainId, tx), tx['expiresAt'] as number),
})

/** Forgets what expired by `blockTime`: such a transaction is refused as expired anyway, so the memory stays bounded. */
export const forgetExpired = (state: StakingState, blockTime: number): StakingState => {
  const live = [...state.recentTxs].filter(([, expiresAt]) => expiresAt > blockTime)
  return live.length === state.recentTxs.size ? state : { ...state, recentTxs: new Map(live) }
}
