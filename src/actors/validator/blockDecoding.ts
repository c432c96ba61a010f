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
  const key = hash('sha256', bytes, 'base64')
  if (decoded.has(key)) return decoded.get(key)
  const value = decodeStrict(bytes, MAX_BLOCK_MESSAGE_BYTES)
  const block = Either.isLeft(value) ? undefined : Either.getOrUndefined(decodeBlock(value.right))
  if (decoded.size >= CAPACITY) decoded.delete(decoded.keys().next().value!)
  decoded.set(key, block)
  return block
}
