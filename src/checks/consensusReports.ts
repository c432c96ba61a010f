/**
 * The facts a validator reports about its own decisions; the consensus checks are built
 * on these alone (never on a node's internals), so they judge live recordings too.
 */

export const COMMITTED = 'chain.committed'
export const SIGNED = 'validator.signed'
export const VALIDATOR_UPDATES = 'chain.validator-updates'
export const EVIDENCE_COMMITTED = 'chain.evidence-committed'
export const SLASHED = 'staking.slashed'

export interface CommittedReport {
  readonly height: number
  readonly round: number
  readonly blockId: string
  /** Block time (µs). */
  readonly time: number
  /** Node name of the proposer. */
  readonly proposer: string
  readonly txs: number
  readonly evidence: number
  /** Whether the committing node's own block checks passed for this block. */
  readonly valid: boolean
  /** The validator set that decided this height: node names and powers. */
  readonly validators: readonly { readonly name: string; readonly power: number }[]
}

export interface SignedReport {
  readonly height: number
  readonly round: number
  readonly step: 'proposal' | 'prevote' | 'precommit'
  readonly blockId: string | null
  /** Digest of the signed bytes: two different ones at one (height, round, step) is a double-sign. */
  readonly digest: string
}

export interface ValidatorUpdatesReport {
  readonly height: number
  readonly updates: readonly { readonly name: string; readonly power: number }[]
}

export interface EvidenceCommittedReport {
  readonly height: number
  /** The validator that equivocated. */
  readonly validator: string
  readonly evidenceHeight: number
}

export interface SlashedReport {
  readonly validator: string
  readonly reason: 'double-sign' | 'downtime'
  readonly height: number
  readonly amount: string
}

/** A validator is byzantine when its role's `byzantine` parameter names it. */
export const isByzantine = (node: { readonly id: string; readonly params: unknown }): boolean => {
  const byzantine = (node.params as { byzantine?: Record<string, unknown> } | undefined)?.byzantine
  return byzantine !== undefined && byzantine[node.id] !== undefined
}
