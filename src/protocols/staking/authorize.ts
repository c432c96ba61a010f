import type { Tx, TxResult } from '../chain/application.ts'
import { txSigner, type VerifyTxSignature } from '../chain/txSignature.ts'
import { StakingTxCode } from './decodeTx.ts'
import type { StakingState } from './state.ts'
import type { StakingTx } from './txSchemas.ts'

/**
 * Who may send a staking transaction. Stake, validators and prices change only as the
 * stake aggregator reports them (it relays the $C staking contract, EigenLayer and the
 * price oracle), so those transactions need the signature of a stake authority; an unjail
 * may also come from the jailed validator itself, as in Cosmos SDK. Without this, any
 * peer could give itself voting power.
 */
export const unauthorized = (state: StakingState, tx: StakingTx, sent: Tx, verify: VerifyTxSignature): TxResult | undefined => {
  const authorities = state.params.authorities
  if (authorities === undefined) return undefined
  const signer = txSigner(state.chainId, sent, verify)
  if (signer !== undefined && authorities.includes(signer)) return undefined
  if (tx.type === 'staking.unjail' && signer === tx.validator) return undefined
  const needed = tx.type === 'staking.unjail' ? 'its validator or a stake authority' : 'a stake authority (the stake aggregator)'
  const found = sent['sig'] === undefined ? 'it is unsigned' : signer === undefined ? 'its signature does not verify' : `${signer.slice(0, 12)}… is not one`
  return { code: StakingTxCode.unauthorized, log: `${tx.type} must be signed by ${needed}: ${found}` }
}
