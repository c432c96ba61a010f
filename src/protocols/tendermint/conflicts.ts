import type { ProtocolEffect } from '../effects.ts'
import type { Conflict } from './consensusContext.ts'
import { duplicateVoteEvidence } from './evidence.ts'
import { blockKey } from './voteSet.ts'

/** Conflicting votes seen by the machine, and how they leave it: as `tendermint.evidence` reports. */

/** One conflict per validator, round, type and second block id, however often the second vote arrives. */
export const isKnownConflict = (known: readonly Conflict[], conflict: Conflict): boolean =>
  known.some((c) => conflictKey(c) === conflictKey(conflict))

const conflictKey = (c: Conflict): string =>
  `${c.incoming.validatorAddress}/${c.incoming.round}/${c.incoming.type}/${blockKey(c.incoming.blockId)}`

/** Evidence ages from the time of the block at the votes' height. */
export const evidenceReport = (c: Conflict, blockTime: number): ProtocolEffect => ({
  type: 'report',
  event: 'tendermint.evidence',
  data: duplicateVoteEvidence(c.existing, c.incoming, c.validatorPower, c.totalPower, blockTime),
})
