import { Schema } from 'effect'
import { Duration } from '../../shared/paramSchemas.ts'

/** Membership tuning. Durations are µs; counts of periods are multiples of `protocolPeriod`. */
export interface MembershipParams {
  /** Time between two probes by the same node (SWIM's T′). */
  readonly protocolPeriod: number
  /** How long to wait for a direct ack before asking helpers (one round trip must fit). */
  readonly pingTimeout: number
  /** How many helpers (k) a ping-req goes to when the direct probe timed out. */
  readonly indirectProbes: number
  /** Periods a member stays suspect before it is declared dead. */
  readonly suspicionTimeout: number
  /** Every this many periods, one dead member is pinged so that healed partitions reconnect; 0 = never. */
  readonly deadProbeEvery: number
  /** λ: each update is piggybacked λ·⌈log2(n + 1)⌉ times. */
  readonly disseminationFactor: number
  /** At most this many updates ride on one message. */
  readonly maxPiggyback: number
}

export const defaultMembershipParams: MembershipParams = {
  protocolPeriod: 1_000_000,
  pingTimeout: 200_000,
  indirectProbes: 3,
  suspicionTimeout: 5,
  deadProbeEvery: 5,
  disseminationFactor: 3,
  maxPiggyback: 6,
}

/**
 * Why a parameter set cannot work, or undefined. The probe timing is what makes
 * "no false suspicion" hold: a direct round trip (2 hops) must fit in `pingTimeout`, and
 * an indirect one (4 hops, each as slow as a direct hop may be, i.e. 2·pingTimeout)
 * must fit in the rest of the period.
 */
export const membershipParamsProblem = (p: MembershipParams): string | undefined => {
  const positiveInts = ['protocolPeriod', 'pingTimeout', 'suspicionTimeout', 'disseminationFactor', 'maxPiggyback'] as const
  for (const key of positiveInts) if (!Number.isInteger(p[key]) || p[key] < 1) return `${key} must be a positive integer (got ${p[key]})`
  for (const key of ['indirectProbes', 'deadProbeEvery'] as const) {
    if (!Number.isInteger(p[key]) || p[key] < 0) return `${key} must be a non-negative integer (got ${p[key]})`
  }
  if (3 * p.pingTimeout > p.protocolPeriod) {
    return `protocolPeriod (${p.protocolPeriod}µs) must be at least 3 × pingTimeout (${p.pingTimeout}µs) so that an indirect probe's 4 hops fit after the direct timeout`
  }
  return undefined
}

/** Defaults overridden by `partial` (µs numbers); throws on an unusable combination. */
export const membershipParamsFrom = (partial: Partial<MembershipParams> = {}): MembershipParams => {
  const params: MembershipParams = { ...defaultMembershipParams, ...partial }
  const problem = membershipParamsProblem(params)
  if (problem !== undefined) throw new Error(`membership params: ${problem}`)
  return params
}

const withDefault = <S extends Schema.Schema.Any>(schema: S, value: Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { default: () => value })

/** Scenario form: every field optional (defaults above), durations as in `Duration`. */
export const MembershipParamsSchema = Schema.Struct({
  protocolPeriod: withDefault(Duration, defaultMembershipParams.protocolPeriod),
  pingTimeout: withDefault(Duration, defaultMembershipParams.pingTimeout),
  indirectProbes: withDefault(Schema.NonNegativeInt, defaultMembershipParams.indirectProbes),
  suspicionTimeout: withDefault(Schema.NonNegativeInt, defaultMembershipParams.suspicionTimeout),
  deadProbeEvery: withDefault(Schema.NonNegativeInt, defaultMembershipParams.deadProbeEvery),
  disseminationFactor: withDefault(Schema.NonNegativeInt, defaultMembershipParams.disseminationFactor),
  maxPiggyback: withDefault(Schema.NonNegativeInt, defaultMembershipParams.maxPiggyback),
}).pipe(Schema.filter((params) => membershipParamsProblem(params) ?? true))

/**
 * Worst-case time (µs) from a member's crash until every live member holds it suspect
 * (or dead), for n members in all — the liveness bound a simulation checks. Measured
 * from the later of the crash and the observer's start, on the observer's clock.
 *
 * Assumptions: no message loss and one-way latency < pingTimeout / 2. Then every direct
 * probe of a live member is acked in time, so no live member is ever suspected (indirect
 * probes are not even needed; they are there for loss, and `membershipParamsProblem`
 * makes their 4 hops fit too), and in particular no refutation by the crashed member can
 * be in flight to revive it.
 *
 * Derivation: every live node probes the crashed member itself, round-robin over the
 * n − 1 others. Its last successful probe started before the crash; the next one starts
 * at most 2·(n − 1) − 1 periods later (first of one pass, last of the next) and fails,
 * and the target is suspected at the end of that period: 2·(n − 1) periods after the
 * last success, so strictly less after the crash. (The first period starts within one
 * period of the start, and n ≤ 2·(n − 1), so the bound also holds from the start.)
 * Gossip from faster detectors can only make it earlier, so the bound needs neither
 * pingTimeout nor dissemination time.
 */
export const crashDetectionBound = (params: MembershipParams, n: number): number => 2 * (n - 1) * params.protocolPeriod

/**
 * Worst-case time (µs) from a crash until every live member declares it dead, under the
 * assumptions of `crashDetectionBound`: each node starts its own suspicion timer when it
 * first suspects, and nothing can restart that timer since only the crashed member could
 * refute.
 */
export const crashConfirmationBound = (params: MembershipParams, n: number): number =>
  crashDetectionBound(params, n) + params.suspicionTimeout * params.protocolPeriod
