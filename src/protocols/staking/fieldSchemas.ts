import { ParseResult, Schema } from 'effect'
import { PPM, PRICE_DECIMALS, PRICE_ONE } from './ratios.ts'

/**
 * Field schemas shared by transactions, params and genesis.
 *
 * Integers arrive as bigint, as a safe-integer number, or as a decimal string, and are
 * encoded back as decimal strings: amounts of 18-decimal tokens exceed the 64-bit range
 * that CBOR integers (and so the wire codec) can carry.
 */

/** uint256 has 78 decimal digits: enough for any token amount, and a bound on parsing cost. */
const INTEGER_TEXT = /^-?\d{1,78}$/

const integerFrom = (input: bigint | number | string): bigint | undefined => {
  if (typeof input === 'bigint') return input
  if (typeof input === 'number') return Number.isSafeInteger(input) ? BigInt(input) : undefined
  return INTEGER_TEXT.test(input) ? BigInt(input) : undefined
}

/** Any integer (signed: script deltas). */
export const Integer = Schema.transformOrFail(Schema.Union(Schema.BigIntFromSelf, Schema.Number, Schema.String), Schema.BigIntFromSelf, {
  strict: true,
  decode: (input, _options, ast) => {
    const value = integerFrom(input)
    return value === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, input, `expected an integer (bigint, safe integer or decimal string), got ${JSON.stringify(String(input))}`))
      : ParseResult.succeed(value)
  },
  encode: (value) => ParseResult.succeed(value.toString()),
})

/** A token amount or share count in base units. */
export const Amount = Integer.pipe(Schema.nonNegativeBigInt({ message: () => 'expected an amount ≥ 0' }))
export const PositiveAmount = Integer.pipe(Schema.positiveBigInt({ message: () => 'expected an amount > 0' }))

/**
 * Names of delegators, strategies and assets. Starting with a letter or digit keeps
 * prototype keys such as `__proto__` out.
 */
export const Identifier = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: () => 'expected a name of letters, digits and ._:- (up to 128)' }))

/** A validator's consensus key: lowercase hex (ed25519: 64 digits). */
export const PubKeyHex = Schema.String.pipe(Schema.pattern(/^(?:[0-9a-f]{2}){1,64}$/, { message: () => 'expected a lowercase hex public key' }))

/** A fraction in [0, 1] written as a number (0.05), to the nearest part per million. */
export const FractionPpm = Schema.transformOrFail(Schema.Number, Schema.BigIntFromSelf, {
  strict: true,
  decode: (input, _options, ast) =>
    Number.isFinite(input) && input >= 0 && input <= 1
      ? ParseResult.succeed(BigInt(Math.round(input * Number(PPM))))
      : ParseResult.fail(new ParseResult.Type(ast, input, `expected a fraction between 0 and 1, got ${input}`)),
  encode: (ppm) => ParseResult.succeed(Number(ppm) / Number(PPM)),
})

/** uint256-sized integer part and up to PRICE_DECIMALS decimals. */
const DECIMAL_TEXT = new RegExp(`^(\\d{1,70})(?:\\.(\\d{1,${PRICE_DECIMALS}}))?$`)

const fixedPriceFrom = (input: number | string): bigint | undefined => {
  if (typeof input === 'number') {
    const scaled = Math.round(input * Number(PRICE_ONE))
    return Number.isSafeInteger(scaled) ? BigInt(scaled) : undefined
  }
  const match = DECIMAL_TEXT.exec(input)
  if (!match) return undefined
  return BigInt(match[1] ?? '0') * PRICE_ONE + BigInt((match[2] ?? '').padEnd(PRICE_DECIMALS, '0'))
}

/**
 * A price as a scenario writes it ("3000.25" or 3000.25), to the fixed-point integer the
 * oracle and the state use (PRICE_DECIMALS decimals). Transactions carry the integer.
 */
export const DecimalPrice = Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Schema.BigIntFromSelf, {
  strict: true,
  decode: (input, _options, ast) => {
    const price = fixedPriceFrom(input)
    return price === undefined || price <= 0n
      ? ParseResult.fail(new ParseResult.Type(ast, input, `expected a positive price with at most ${PRICE_DECIMALS} decimals, got ${JSON.stringify(input)}`))
      : ParseResult.succeed(price)
  },
  encode: (price) => {
    const fraction = (price % PRICE_ONE).toString().padStart(PRICE_DECIMALS, '0').replace(/0+$/, '')
    return ParseResult.succeed(fraction === '' ? `${price / PRICE_ONE}` : `${price / PRICE_ONE}.${fraction}`)
  },
})
