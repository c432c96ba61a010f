import { Either, Schema } from 'effect'
import { ByteSize } from '../shared/paramSchemas.ts'
import { EXIT_BAD_INPUT } from './exitCodes.ts'
import { fail } from './fail.ts'

/** `--record-limit SIZE` (of `strata node` and `strata devnet up`) in bytes, or exits with a usage error. */
export const recordLimitOrExit = (text: string): number => {
  const bytes = Schema.decodeUnknownEither(ByteSize)(text)
  return Either.isRight(bytes) ? bytes.right : fail(`--record-limit must be a size like 500MiB or 2GiB, got "${text}"`, EXIT_BAD_INPUT)
}
