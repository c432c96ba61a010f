import { createHash } from 'node:crypto'
import type { ValidatorSet } from '../../protocols/tendermint/index.ts'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import type { DirectoryService, KeyService } from '../../runtime/services.ts'

/** A validator's three names: its node id, its ed25519 public key (hex), its address. */
export interface ValidatorIdentity {
  readonly name: string
  readonly pubKey: string
  readonly address: string
  /** The public key's raw bytes, as signature checks take it (kept, not decoded per vote). */
  readonly publicKey: Uint8Array
}

/** CometBFT's address: the first 20 bytes of sha256(public key), lowercase hex. */
export const addressOf = (publicKey: Uint8Array): string => createHash('sha256').update(publicKey).digest('hex').slice(0, 40)

const publicKeyHexOf = (key: Uint8Array | undefined): string => (key === undefined ? 'none' : publicKeyHex(key))

/** Directories a process has recently built identities from; a process rarely runs more than a few networks at once. */
const SHARED_CAPACITY = 8

/**
 * Every node of the validator role with its key and address, sorted by node id. Nodes
 * outside the genesis set are here too, so that staking can bring them in later.
 */
export class ValidatorIdentities {
  private static readonly shared = new Map<string, ValidatorIdentities>()

  /**
   * The identities of `directory`'s validators, one instance for every validator of a
   * process that sees the same names and keys (they never change once built). Every vote
   * a validator checks looks its signer up here: with 64 validators, 64 copies of these
   * maps were each cold in the cache when used, and the lookups took 6% of a height.
   */
  static of(directory: DirectoryService, keys: KeyService, role: string): ValidatorIdentities {
    const names = [...directory.ofRole(role)].sort()
    const content = [role, ...names.map((name) => `${name}=${publicKeyHexOf(keys.publicKeyOf(name))}`)].join('\n')
    const known = ValidatorIdentities.shared.get(content)
    if (known !== undefined) return known
    const identities = new ValidatorIdentities(directory, keys, role)
    if (ValidatorIdentities.shared.size >= SHARED_CAPACITY) ValidatorIdentities.shared.delete(ValidatorIdentities.shared.keys().next().value!)
    ValidatorIdentities.shared.set(content, identities)
    return identities
  }

  private readonly byName = new Map<string, ValidatorIdentity>()
  private readonly byPubKey = new Map<string, ValidatorIdentity>()
  private readonly byAddress = new Map<string, ValidatorIdentity>()

  constructor(directory: DirectoryService, keys: KeyService, role: string) {
    for (const name of [...directory.ofRole(role)].sort()) {
      const key = keys.publicKeyOf(name)
      if (key === undefined) throw new Error(`no public key for validator ${name}`)
      const identity = { name, pubKey: Buffer.from(key).toString('hex'), address: addressOf(key), publicKey: key }
      this.byName.set(name, identity)
      this.byPubKey.set(identity.pubKey, identity)
      this.byAddress.set(identity.address, identity)
    }
  }

  all(): ValidatorIdentity[] {
    return [...this.byName.values()]
  }

  named(name: string): ValidatorIdentity | undefined {
    return this.byName.get(name)
  }

  withPubKey(pubKey: string): ValidatorIdentity | undefined {
    return this.byPubKey.get(pubKey)
  }

  withAddress(address: string): ValidatorIdentity | undefined {
    return this.byAddress.get(address)
  }

  /** A validator's node id, or the address itself for one that is not a validator (as reports name validators). */
  nameOf(address: string): string {
    return this.byAddress.get(address)?.name ?? address
  }

  /**
   * The members of `set` by name and power, as the commit report lists them: one list per
   * set object (sets are immutable and shared by the validators of a process), not one
   * per validator and height.
   */
  membersOf(set: ValidatorSet): readonly { readonly name: string; readonly power: number }[] {
    let members = this.members.get(set)
    if (members === undefined) this.members.set(set, (members = set.validators.map((v) => ({ name: this.nameOf(v.address), power: Number(v.power) }))))
    return members
  }

  private readonly members = new WeakMap<ValidatorSet, readonly { readonly name: string; readonly power: number }[]>()

  /**
   * An address's public key (hex), or the address itself for one that is not a validator,
   * as the application's BlockInfo names validators. One function per instance, so that
   * answers computed with it can be shared by the validators sharing the instance.
   */
  readonly pubKeyOf = (address: string): string => this.byAddress.get(address)?.pubKey ?? address
}
