/**
 * Deeper nesting is refused, by the encoder as by the decoder: it bounds the recursion of
 * both, and no strata message comes close.
 */
export const MAX_NESTING = 256
