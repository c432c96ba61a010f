import { hash } from 'node:crypto'
import { Either } from 'effect'
import { decodeBlock, type Block } from '../../protocols/chain/index.ts'
import { decodeStrict } from '../../runtime/codec/cbor.ts'

/** A block travels inside one message, so it is bounded by the message size limit. */
export const MAX_BLOCK_MESSAGE_BYTES = 16 * 1024 * 1024

/** Enough for the proposals of a few heights; blocks can be large, so few are kept. */
const CAPACITY = 16

/**
 * Decoding a block with its schema is the costliest step of judging it, and every
 * validator decodes the same proposal, then the same bytes again when it commits.
 * Decoding is a pure function of the bytes, and a Block is immutable, so recent answers
 * are kept by the sha256 of the bytes and shared: each distinct block is decoded once per
 * process, and what is memoized per Block object (its id, its content hashes, its
 * transactions' ids) is then computed once per process too.
 */
const decoded = new Map<string, Block | undefined>()

/** Proposal and stored block bytes → a checked Block, or undefined for anything malformed. */
export const decodeBlockBytes = (bytes: Uint8Array): Block | undefined => {
  const key = keyOf(bytes)
  if (decoded.has(key)) return decoded.get(key)
  const value = decodeStrict(bytes, MAX_BLOCK_MESSAGE_BYTES)
  const block = Either.isLeft(value) ? undefined : Either.getOrUndefined(decodeBlock(value.right))
  remember(key, block)
  return block
}

/**
 * A block this process built (buildBlock over parts that were themselves decoded or made
 * of plain data) is exactly what its encoding decodes to, so the proposer's object is
 * remembered as the answer for its bytes: the block it proposes is then never decoded
 * in its own process — in simulation, by none of the validators.
 */
export const rememberBuiltBlock = (bytes: Uint8Array, block: Block): void => remember(keyOf(bytes), block)

const keyOf = (bytes: Uint8Array): string => hash('sha256', bytes, 'base64')

const remember = (key: string, block: Block | undefined): void => {
  if (decoded.size >= CAPACITY) decoded.delete(decoded.keys().next().value!)
  decoded.set(key, block)
}
