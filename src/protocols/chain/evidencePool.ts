import type { DuplicateVoteEvidence } from '../tendermint/evidence.ts'
import { DEFAULT_EVIDENCE_PARAMS, evidenceFacts, isExpired, type EvidenceParams } from './evidence.ts'

/**
 * Evidence of double signing waiting for a block (CometBFT's evidence pool), as a value:
 * a handful of entries at most, so each change makes a new pool.
 */
export interface PendingEvidence {
  readonly id: string
  readonly evidence: DuplicateVoteEvidence
  readonly bytes: number
}

export interface EvidencePool {
  readonly params: EvidenceParams
  /** Verified and not yet in a block, oldest first. */
  readonly pending: readonly PendingEvidence[]
  /**
   * Evidence already in a block, by id, kept until it expires: a copy still travelling
   * the gossip network must not be proposed again (evidence is committed once).
   */
  readonly committed: ReadonlyMap<string, DuplicateVoteEvidence>
}

export const emptyEvidencePool = (params: EvidenceParams = DEFAULT_EVIDENCE_PARAMS): EvidencePool => ({
  params,
  pending: [],
  committed: new Map(),
})

/** The chain's latest committed height and block time, against which evidence ages. */
export interface ChainTip {
  readonly height: number
  readonly time: number
}

export type AddEvidenceOutcome =
  | { readonly outcome: 'added'; readonly id: string }
  | { readonly outcome: 'duplicate' | 'committed' | 'expired'; readonly id: string }
  | { readonly outcome: 'invalid'; readonly id: string; readonly reason: string }

/**
 * Offers evidence (from this node's consensus or a peer). `verify` is the host's
 * `checkDuplicateVoteEvidence` against its history. Only `added` is news to gossip.
 */
export const addEvidence = (
  pool: EvidencePool,
  evidence: DuplicateVoteEvidence,
  tip: ChainTip,
  verify: (evidence: DuplicateVoteEvidence) => string | undefined,
): { readonly pool: EvidencePool; readonly result: AddEvidenceOutcome } => {
  const { id, bytes } = evidenceFacts(evidence)
  const same = (outcome: 'duplicate' | 'committed' | 'expired') => ({ pool, result: { outcome, id } })
  if (pool.pending.some((p) => p.id === id)) return same('duplicate')
  if (pool.committed.has(id)) return same('committed')
  if (isExpired(evidence, tip.height, tip.time, pool.params)) return same('expired')
  const reason = verify(evidence)
  if (reason !== undefined) return { pool, result: { outcome: 'invalid', id, reason } }
  return { pool: { ...pool, pending: [...pool.pending, { id, evidence, bytes }] }, result: { outcome: 'added', id } }
}

/**
 * Evidence for the proposer's block: the oldest first, stopping at the first that would
 * take the total over `maxBytes` (CometBFT `PendingEvidence`).
 */
export const pendingEvidence = (pool: EvidencePool, maxBytes: number): DuplicateVoteEvidence[] => {
  const chosen: DuplicateVoteEvidence[] = []
  let bytes = 0
  for (const p of pool.pending) {
    if (bytes + p.bytes > maxBytes) break
    chosen.push(p.evidence)
    bytes += p.bytes
  }
  return chosen
}

/** After a block is committed: its evidence leaves the pending list and is remembered as committed. */
export const markCommitted = (pool: EvidencePool, evidence: readonly DuplicateVoteEvidence[]): EvidencePool => {
  if (evidence.length === 0) return pool
  const committed = new Map(pool.committed)
  for (const ev of evidence) committed.set(evidenceFacts(ev).id, ev)
  return { ...pool, pending: pool.pending.filter((p) => !committed.has(p.id)), committed }
}

/**
 * Forgets what expired at the new tip; returns the pending evidence that expired unused.
 * Every validator prunes after every block, and there is almost never evidence: an empty
 * pool is returned as it is.
 */
export const pruneEvidence = (pool: EvidencePool, tip: ChainTip): { readonly pool: EvidencePool; readonly expired: DuplicateVoteEvidence[] } => {
  if (pool.pending.length === 0 && pool.committed.size === 0) return { pool, expired: [] }
  const expiredNow = (ev: DuplicateVoteEvidence) => isExpired(ev, tip.height, tip.time, pool.params)
  const expired = pool.pending.filter((p) => expiredNow(p.evidence)).map((p) => p.evidence)
  const committed = new Map([...pool.committed].filter(([, ev]) => !expiredNow(ev)))
  return { pool: { ...pool, pending: pool.pending.filter((p) => !expiredNow(p.evidence)), committed }, expired }
}

/** What the actor re-gossips every `EVIDENCE_GOSSIP_INTERVAL` until it is committed. */
export const evidenceToGossip = (pool: EvidencePool): DuplicateVoteEvidence[] => pool.pending.map((p) => p.evidence)

/** CometBFT's evidence broadcast period: 10 s, in µs. */
export const EVIDENCE_GOSSIP_INTERVAL = 10_000_000
