import { canonicalBytes } from '../../shared/canonicalHash.ts'
import type { Tx } from './application.ts'

/**
 * Signed transactions (the part of a Cosmos SDK ante handler an application needs): a
 * transaction may carry `signer`, the sender's ed25519 public key in hex, and `sig`, its
 * signature over the transaction without `sig`, bound to the chain id. An application
 * that must know who sent a transaction (staking: only the stake aggregator changes
 * stake) asks `txSigner`; one that need not (key-value load) ignores both fields.
 */

/** The chain id of a network whose scenario names none (validators and stake aggregators must agree on it). */
export const DEFAULT_CHAIN_ID = 'strata-chain'

/** The host's ed25519 check, injected so that this layer stays pure (as VerifyVote). `publicKey` is hex. */
export type VerifyTxSignature = (publicKey: string, message: Uint8Array, sig: Uint8Array) => boolean

/** What the signer of `tx` signs: `tx` without its signature (its `signer` included), bound to `chainId`. */
export const txSignBytes = (chainId: string, tx: Tx): Uint8Array => {
  const { sig: _sig, ...signed } = tx
  return canonicalBytes({ chainId, tx: signed })
}

/** `tx` signed by the key `publicKey` (hex) with `sign`, for `chainId`: the sender's side. */
export const signTx = (chainId: string, tx: Tx, publicKey: string, sign: (message: Uint8Array) => Uint8Array): Tx => {
  const withSigner = { ...tx, signer: publicKey }
  return { ...withSigner, sig: sign(txSignBytes(chainId, withSigner)) }
}

/** Who signed `tx` for `chainId`: its `signer` when `sig` verifies, undefined when it is unsigned or the signature fails. */
export const txSigner = (chainId: string, tx: Tx, verify: VerifyTxSignature): string | undefined => {
  const { signer, sig } = tx
  if (typeof signer !== 'string' || !(sig instanceof Uint8Array)) return undefined
  return verify(signer, txSignBytes(chainId, tx), sig) ? signer : undefined
}
