import { Schema } from 'effect'
import { canonicalBytes, sha256Hex } from '../../shared/canonicalHash.ts'
import type { Tx } from './application.ts'

/**
 * A transaction on the wire and in blocks: a `type` "<app>.<action>" naming the
 * application that owns it, plus fields only that application interprets.
 */
export const TxSchema = Schema.Struct(
  { type: Schema.String.pipe(Schema.pattern(/^[^.]+\..+$/)) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
)

/** The name of the application that owns `tx` ("kv" for "kv.set"). */
export const txPrefix = (tx: Tx): string => {
  const dot = tx.type.indexOf('.')
  return dot < 0 ? tx.type : tx.type.slice(0, dot)
}

/** A transaction's canonical bytes, its id and its size, computed from one encoding. */
export interface TxFacts {
  readonly hash: string
  readonly bytes: number
}

/**
 * Memoized per transaction object: one tx is hashed by the mempool, the block builder,
 * the block checks and the commit, and transactions are never mutated.
 */
const known = new WeakMap<Tx, TxFacts>()

export const txFacts = (tx: Tx): TxFacts => {
  let facts = known.get(tx)
  if (facts === undefined) {
    const bytes = canonicalBytes(tx)
    facts = { hash: sha256Hex(bytes), bytes: bytes.length }
    known.set(tx, facts)
  }
  return facts
}

/** The id of a transaction: sha256 of its canonical CBOR (the same as `canonicalHash(tx)`). */
export const txHash = (tx: Tx): string => txFacts(tx).hash
