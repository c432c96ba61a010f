import type { VerifyTxSignature } from '../../protocols/chain/index.ts'
import { verifySignatureMemoized } from '../../runtime/crypto/verificationMemo.ts'

const PUBLIC_KEY_HEX = /^[0-9a-f]{64}$/

/**
 * The applications' check of a signed transaction: ed25519 under the hex key it names.
 * Answers are remembered per process, as for votes: a gossiped transaction is checked
 * by every validator, at admission and again in the block.
 */
export const verifyTxSignature: VerifyTxSignature = (publicKey, message, sig) =>
  PUBLIC_KEY_HEX.test(publicKey) && verifySignatureMemoized(Buffer.from(publicKey, 'hex'), message, sig)
