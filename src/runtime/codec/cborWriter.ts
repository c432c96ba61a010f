import { Buffer } from 'node:buffer'

/**
 * The encoder's output: CBOR heads and payloads written into one buffer that is reused
 * from call to call and grows when a value needs more; each call takes an exact-size copy
 * of what it wrote. That replaces cborg's per-call list of chunks, which was most of its
 * cost on small messages. Large byte strings (8 MiB fragments) are the exception: they are
 * only referenced while writing, and copied once, straight into the output.
 */
const INITIAL_BYTES = 16 * 1024

/** A buffer grown past this for one large value is dropped afterwards rather than kept. */
const RETAINED_BYTES = 1024 * 1024

/** Byte strings from this length on are copied once, by take(), instead of twice. */
const LARGE_BYTES = 64 * 1024

/**
 * takeShared() carves outputs up to SHARED_PIECE_BYTES out of slabs of SLAB_BYTES: one
 * ArrayBuffer per slab instead of one per output. A slab region is never written twice,
 * so a piece stays valid for as long as it is held — but it keeps its whole slab alive,
 * which is why only short-lived outputs (envelopes on their way to a wire) are shared.
 */
const SLAB_BYTES = 64 * 1024
const SHARED_PIECE_BYTES = 4 * 1024

let slab = new ArrayBuffer(SLAB_BYTES)
let slabUsed = 0

/** A large byte string and where in the buffer's bytes it belongs. */
interface LargeBytes {
  readonly at: number
  readonly bytes: Uint8Array
}

export const TYPE_UNSIGNED = 0x00
export const TYPE_NEGATIVE = 0x20
export const TYPE_BYTES = 0x40
export const TYPE_TEXT = 0x60
export const TYPE_ARRAY = 0x80
export const TYPE_MAP = 0xa0
export const FALSE = 0xf4
export const TRUE = 0xf5
export const NULL = 0xf6
const FLOAT16 = 0xf9
const FLOAT32 = 0xfa
const FLOAT64 = 0xfb

// Below this many characters, text is written by a loop that bails out on the first
// non-ASCII character; above it, by Node's native UTF-8 writer.
const SHORT_TEXT = 24

export class CborWriter {
  private pos = 0
  private bytes = new Uint8Array(INITIAL_BYTES)
  private view = new DataView(this.bytes.buffer)
  private utf8 = Buffer.from(this.bytes.buffer)
  private readonly large: LargeBytes[] = []
  private largeLength = 0

  /** How many bytes have been written: where the next item starts in the output. */
  get offset(): number {
    return this.pos + this.largeLength
  }

  /** Starts a new value, forgetting what the last one wrote. */
  reset(): void {
    this.pos = 0
    if (this.largeLength !== 0) {
      this.large.length = 0
      this.largeLength = 0
    }
  }

  /** An exact-size copy of what was written since the last reset. */
  take(): Uint8Array {
    const written = this.large.length === 0 ? this.bytes.slice(0, this.pos) : this.joinLarge()
    if (this.bytes.length > RETAINED_BYTES) this.allocate(INITIAL_BYTES)
    return written
  }

  /**
   * What was written since the last reset, as a piece of a shared slab when it is small
   * (see SLAB_BYTES): a new ArrayBuffer per small output measured ~0.4 µs, most of the
   * cost of encoding a membership ping envelope.
   */
  takeShared(): Uint8Array {
    const size = this.pos
    if (this.large.length !== 0 || size > SHARED_PIECE_BYTES) return this.take()
    if (slabUsed + size > SLAB_BYTES) {
      slab = new ArrayBuffer(SLAB_BYTES)
      slabUsed = 0
    }
    const piece = new Uint8Array(slab, slabUsed, size)
    piece.set(this.bytes.subarray(0, size))
    slabUsed += size
    return piece
  }

  byte(value: number): void {
    this.ensure(1)
    this.bytes[this.pos++] = value
  }

  /** The initial byte(s) of an item: its major type and an argument (a non-negative safe integer), in shortest form. */
  head(type: number, argument: number): void {
    this.ensure(9)
    const bytes = this.bytes
    let pos = this.pos
    if (argument < 24) {
      bytes[pos++] = type | argument
    } else if (argument < 0x100) {
      bytes[pos++] = type | 24
      bytes[pos++] = argument
    } else if (argument < 0x10000) {
      bytes[pos++] = type | 25
      bytes[pos++] = argument >>> 8
      bytes[pos++] = argument
    } else if (argument < 0x100000000) {
      bytes[pos++] = type | 26
      this.view.setUint32(pos, argument)
      pos += 4
    } else {
      bytes[pos++] = type | 27
      this.view.setUint32(pos, Math.floor(argument / 0x100000000))
      this.view.setUint32(pos + 4, argument >>> 0)
      pos += 8
    }
    this.pos = pos
  }

  /** A head with an 8-byte argument given as its high and low 32-bit halves. */
  head64(type: number, high: number, low: number): void {
    this.ensure(9)
    this.bytes[this.pos] = type | 27
    this.view.setUint32(this.pos + 1, high)
    this.view.setUint32(this.pos + 5, low)
    this.pos += 9
  }

  /** A byte string. A large one must not change before take(). */
  byteString(value: Uint8Array): void {
    const length = value.length
    this.head(TYPE_BYTES, length)
    if (length >= LARGE_BYTES) {
      this.large.push({ at: this.pos, bytes: value })
      this.largeLength += length
      return
    }
    this.ensure(length)
    this.bytes.set(value, this.pos)
    this.pos += length
  }

  /** Text, as UTF-8; a lone surrogate becomes U+FFFD, as with TextEncoder. */
  text(value: string): void {
    const length = value.length
    if (length >= SHORT_TEXT) return this.utf8Text(value)
    this.ensure(length + 1)
    const bytes = this.bytes
    const start = this.pos
    let pos = start + 1
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i)
      if (code >= 0x80) return this.utf8Text(value)
      bytes[pos++] = code
    }
    bytes[start] = TYPE_TEXT | length
    this.pos = pos
  }

  /** Copies bytes prepared earlier (a head and its payload). */
  raw(value: Uint8Array): void {
    const length = value.length
    this.ensure(length)
    const bytes = this.bytes
    let pos = this.pos
    for (let i = 0; i < length; i++) bytes[pos++] = value[i]!
    this.pos = pos
  }

  float16(half: number): void {
    this.ensure(3)
    this.bytes[this.pos] = FLOAT16
    this.view.setUint16(this.pos + 1, half)
    this.pos += 3
  }

  float32(value: number): void {
    this.ensure(5)
    this.bytes[this.pos] = FLOAT32
    this.view.setFloat32(this.pos + 1, value)
    this.pos += 5
  }

  float64(value: number): void {
    this.ensure(9)
    this.bytes[this.pos] = FLOAT64
    this.view.setFloat64(this.pos + 1, value)
    this.pos += 9
  }

  private utf8Text(value: string): void {
    const length = Buffer.byteLength(value, 'utf8')
    this.head(TYPE_TEXT, length)
    this.ensure(length)
    this.utf8.write(value, this.pos, length, 'utf8')
    this.pos += length
  }

  private joinLarge(): Uint8Array {
    // Every byte is about to be written: skip zero-filling megabytes (allocUnsafeSlow gives a
    // buffer of its own, not a slice of Node's shared pool).
    const unfilled = Buffer.allocUnsafeSlow(this.offset)
    const joined = new Uint8Array(unfilled.buffer, unfilled.byteOffset, unfilled.byteLength)
    let from = 0
    let to = 0
    for (const { at, bytes } of this.large) {
      joined.set(this.bytes.subarray(from, at), to)
      to += at - from
      joined.set(bytes, to)
      to += bytes.length
      from = at
    }
    joined.set(this.bytes.subarray(from, this.pos), to)
    this.large.length = 0
    this.largeLength = 0
    return joined
  }

  private ensure(count: number): void {
    if (this.pos + count > this.bytes.length) this.grow(count)
  }

  // Grows by at least the current size on top of what is needed, so that a long text is
  // followed by room for the rest of the value instead of another copy of it.
  private grow(count: number): void {
    const previous = this.bytes
    this.allocate(Math.max(previous.length * 2, this.pos + count + previous.length))
    this.bytes.set(previous.subarray(0, this.pos))
  }

  private allocate(size: number): void {
    this.bytes = new Uint8Array(size)
    this.view = new DataView(this.bytes.buffer)
    this.utf8 = Buffer.from(this.bytes.buffer)
  }
}
