import type { Application, BlockInfo, FinalizeResult, Genesis, Tx, TxResult } from '../../protocols/chain/index.ts'
import { samePlainData } from '../../shared/samePlainData.ts'

/** Genesis states of recent runs; a process rarely starts more than a few chains. */
const GENESIS_CAPACITY = 8

/**
 * The application, with its answers shared by the validators of one process.
 *
 * Applications are pure (see application.ts) and their states immutable, and every
 * validator of a simulation applies the same blocks to the same states: executing each
 * block once per validator made the chain's execution cost grow with the size of the
 * set. So answers are kept by the identity of their inputs — the state object, the block's
 * transactions (blocks are decoded once per process, see blockDecoding.ts) and a
 * BlockInfo equal field by field — and validators that start from equal genesis data
 * share the genesis state object, and so go on sharing state objects height after
 * height. A validator whose inputs differ in any way computes its own answer, exactly
 * as without the sharing.
 */
export const sharedApplication = <S extends object>(app: Application<S>): Application<S> => {
  const genesisStates: { readonly genesis: Genesis; readonly state: S }[] = []
  const finalized = new WeakMap<S, WeakMap<readonly Tx[], { readonly info: BlockInfo; readonly result: FinalizeResult<S> }>>()
  const proposalsJudged = new WeakMap<S, WeakMap<readonly Tx[], { readonly info: BlockInfo; readonly accepted: boolean }>>()
  const hashes = new WeakMap<S, string>()
  // A gossiped transaction is one decoded object for all the validators it reaches.
  const checked = new WeakMap<S, WeakMap<Tx, TxResult>>()

  const byInputs = <T extends { readonly info: BlockInfo }>(memo: WeakMap<S, WeakMap<readonly Tx[], T>>, state: S, txs: readonly Tx[], info: BlockInfo, compute: () => T): T => {
    let byTxs = memo.get(state)
    if (byTxs === undefined) memo.set(state, (byTxs = new WeakMap()))
    const known = byTxs.get(txs)
    if (known !== undefined && samePlainData(known.info, info)) return known
    const answer = compute()
    byTxs.set(txs, answer)
    return answer
  }

  return {
    ...app,
    init: (genesis: Genesis) => {
      const known = genesisStates.find((g) => samePlainData(g.genesis, genesis))
      if (known !== undefined) return known.state
      const state = app.init(genesis)
      if (genesisStates.length >= GENESIS_CAPACITY) genesisStates.shift()
      genesisStates.push({ genesis, state })
      return state
    },
    checkTx: (state, tx) => {
      let byTx = checked.get(state)
      if (byTx === undefined) checked.set(state, (byTx = new WeakMap()))
      let result = byTx.get(tx)
      if (result === undefined) byTx.set(tx, (result = app.checkTx(state, tx)))
      return result
    },
    processProposal: (state, txs, info) => byInputs(proposalsJudged, state, txs, info, () => ({ info, accepted: app.processProposal(state, txs, info) })).accepted,
    finalizeBlock: (state, txs, info) => byInputs(finalized, state, txs, info, () => ({ info, result: app.finalizeBlock(state, txs, info) })).result,
    appHash: (state) => {
      let hash = hashes.get(state)
      if (hash === undefined) hashes.set(state, (hash = app.appHash(state)))
      return hash
    },
  }
}
