import type { BlockInfo, FinalizeResult, Genesis, Misbehavior, Tx, VoteInfo } from '../../../src/protocols/chain/application.ts'
import { verifyTxSignature } from '../../../src/actors/validator/txVerifier.ts'
import { createStakingApp, type StakingState } from '../../../src/protocols/staking/index.ts'
import { publicKeyHex, signingKeyFromSeed } from '../../../src/runtime/crypto/ed25519.ts'

/** The application as the validator role runs it (its signature check included). */
export const stakingApp = createStakingApp(verifyTxSignature)

/** A real ed25519 key (hex public key and signing function) made from a small number, for signed transactions. */
export const signingKey = (n: number) => {
  const key = signingKeyFromSeed(new Uint8Array(32).fill(n))
  return { hex: publicKeyHex(key.publicKey), sign: key.sign }
}

/** A chain whose one genesis validator holds `operator`'s key, with `authority` as the only stake authority. */
export const signedGenesis = (
  chainId: string,
  authority: ReturnType<typeof signingKey>,
  operator: ReturnType<typeof signingKey>,
  params: Record<string, unknown> = {},
): Genesis => ({
  chainId,
  time: 1_000 * SECOND,
  validators: [{ pubKey: operator.hex, name: 'validator-0', power: 10n }],
  app: { staking: { params: { authorities: [authority.hex], ...params } } },
})

/** A 32-byte hex key made from a small number, so that key order is number order. */
export const key = (n: number): string => n.toString(16).padStart(64, '0')

export const SECOND = 1_000_000

export const genesisOf = (powers: readonly number[], staking: Record<string, unknown> = {}): Genesis => ({
  chainId: 'staking-test',
  time: 1_000 * SECOND,
  validators: powers.map((power, i) => ({ pubKey: key(i + 1), name: `validator-${i}`, power: BigInt(power) })),
  app: { staking },
})

export const blockInfo = (height: number, time: number, extra: Partial<BlockInfo> = {}): BlockInfo => ({
  height,
  time,
  proposerPubKey: key(1),
  lastCommit: [],
  misbehavior: [],
  ...extra,
})

/** Everyone in `set` signed, except those in `absent`. */
export const commitOf = (set: ReadonlyMap<string, bigint>, absent: readonly string[] = []): VoteInfo[] =>
  [...set].map(([pubKey, power]) => ({ pubKey, power, signed: !absent.includes(pubKey) }))

export const duplicateVote = (pubKey: string, height: number, time: number): Misbehavior => ({
  type: 'duplicate-vote',
  pubKey,
  height,
  time,
  totalVotingPower: 0n,
})

/** Drives the application block after block, one second apart, as a chain would. */
export class ChainDriver {
  state: StakingState
  height = 0
  time: number
  last: FinalizeResult<StakingState> | undefined

  constructor(genesis: Genesis) {
    this.state = stakingApp.init(genesis)
    this.time = genesis.time
  }

  block(txs: readonly Tx[] = [], extra: Partial<BlockInfo> = {}, step = SECOND): FinalizeResult<StakingState> {
    this.height += 1
    this.time += step
    const result = stakingApp.finalizeBlock(this.state, txs, blockInfo(this.height, this.time, extra))
    this.state = result.state
    this.last = result
    return result
  }

  eventsNamed(name: string): unknown[] {
    return (this.last?.events ?? []).filter((e) => e.event === name).map((e) => e.data)
  }
}
