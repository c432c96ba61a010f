import { describe, expect, test } from 'vitest'
import { addressOf, ValidatorIdentities } from '../../../src/actors/validator/identities.ts'
import { newValidatorSet } from '../../../src/protocols/tendermint/heightValidators.ts'
import { signingKeyFromSeed } from '../../../src/runtime/crypto/ed25519.ts'
import { directoryOf } from '../../../src/runtime/directory.ts'
import type { DirectoryService, KeyService } from '../../../src/runtime/services.ts'

const ROLE = 'validator'
const keyOf = (seed: number) => signingKeyFromSeed(new Uint8Array(32).fill(seed)).publicKey

/** A directory and key service for validators named v0..v(n−1), with `keyFor` giving each one's key. */
const networkOf = (n: number, keyFor: (i: number) => Uint8Array = (i) => keyOf(i + 1)): [DirectoryService, KeyService] => {
  const names = Array.from({ length: n }, (_, i) => `v${i}`)
  const directory = directoryOf(names.map((id) => ({ id, role: ROLE })))
  const keys = { publicKeyOf: (name: string) => (names.includes(name) ? keyFor(Number(name.slice(1))) : undefined) } as unknown as KeyService
  return [directory, keys]
}

describe('validator identities', () => {
  test('validators of a process that see the same names and keys share one instance, which knows every validator by name, key and address', () => {
    const shared = ValidatorIdentities.of(...networkOf(4), ROLE)
    expect(ValidatorIdentities.of(...networkOf(4), ROLE)).toBe(shared)
    const v2 = shared.named('v2')!
    expect(v2.address).toBe(addressOf(keyOf(3)))
    expect(shared.withAddress(v2.address)).toBe(v2)
    expect(shared.withPubKey(v2.pubKey)).toBe(v2)
    expect(shared.all().map((v) => v.name)).toEqual(['v0', 'v1', 'v2', 'v3'])
  })

  test('another set of names, or one key changed, gets its own identities', () => {
    const four = ValidatorIdentities.of(...networkOf(4), ROLE)
    const five = ValidatorIdentities.of(...networkOf(5), ROLE)
    const rekeyed = ValidatorIdentities.of(...networkOf(4, (i) => keyOf(i === 3 ? 99 : i + 1)), ROLE)
    expect(five).not.toBe(four)
    expect(five.named('v4')).toBeDefined()
    expect(rekeyed).not.toBe(four)
    expect(rekeyed.named('v3')!.address).toBe(addressOf(keyOf(99)))
    expect(four.named('v3')!.address).toBe(addressOf(keyOf(4)))
  })

  test('names validators and the members of a set as reports list them, the address itself for a stranger', () => {
    const identities = ValidatorIdentities.of(...networkOf(3), ROLE)
    const [v0, v2] = [identities.named('v0')!, identities.named('v2')!]
    expect(identities.nameOf(v2.address)).toBe('v2')
    expect(identities.nameOf('ab'.repeat(20))).toBe('ab'.repeat(20))
    const set = newValidatorSet([{ address: v0.address, power: 5n }, { address: v2.address, power: 7n }])
    // In the set's order: by power, highest first.
    expect(identities.membersOf(set)).toEqual([{ name: 'v2', power: 7 }, { name: 'v0', power: 5 }])
  })

  test('a validator without a key is refused every time, not remembered', () => {
    const [directory] = networkOf(2)
    const keys = { publicKeyOf: (name: string) => (name === 'v0' ? keyOf(1) : undefined) } as unknown as KeyService
    expect(() => ValidatorIdentities.of(directory, keys, ROLE)).toThrow(/no public key for validator v1/)
    expect(() => ValidatorIdentities.of(directory, keys, ROLE)).toThrow(/no public key for validator v1/)
  })
})
