/**
 * Fractions (slash fractions, haircuts, the signed-blocks quota) are kept as parts per
 * million so that all stake arithmetic stays in exact bigint integers.
 */
export const PPM = 1_000_000n

/** `fraction` (ppm) of `amount`, rounded down — as Cosmos SDK truncates slash amounts. */
export const ppmOf = (amount: bigint, fraction: bigint): bigint => (amount * fraction) / PPM

/**
 * Prices are integers with this many decimals (the convention of Chainlink USD feeds).
 * Only ratios of prices enter the stake formula, so the scale only bounds precision.
 */
export const PRICE_DECIMALS = 8
export const PRICE_ONE = 10n ** BigInt(PRICE_DECIMALS)

/** The oracle's key for the native token's own price. */
export const NATIVE_ASSET = 'C'
