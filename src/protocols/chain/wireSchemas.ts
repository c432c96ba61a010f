import { Schema } from 'effect'

/** Field shapes shared by the chain's schemas. Times are µs since the chain's epoch. */

export const Height = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))
export const Round = Schema.NonNegativeInt
export const Micros = Schema.NonNegativeInt

/** A content id from `canonicalHash`: sha256 as 64 lowercase hex digits. */
export const Hash = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

/** Lowercase hex of a validator address (see tendermint `Validator.address`). */
export const Address = Schema.String.pipe(Schema.pattern(/^(?:[0-9a-f]{2})+$/))

/**
 * A bigint as it arrives off the wire. The codec writes a bigint as a plain CBOR integer
 * and reads an integer back as a number when it fits in 53 bits, as a bigint only beyond,
 * so a power of 10n arrives as 10. Schemas accept both; `BigIntFromWire` normalizes.
 */
export const WireBigInt = Schema.Union(Schema.Int, Schema.BigIntFromSelf)

/**
 * Decoding turns a wire integer into a bigint. Both forms encode to the same CBOR bytes,
 * so content ids do not change with the form either.
 */
export const BigIntFromWire = Schema.transform(WireBigInt, Schema.BigIntFromSelf, {
  strict: true,
  decode: (n) => BigInt(n),
  encode: (n) => n,
})
