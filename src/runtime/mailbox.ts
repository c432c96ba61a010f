/**
 * An actor's bounded inbox. Bounded so a flooded actor sheds load instead of growing
 * without limit; which message is shed is the policy:
 * - 'drop-newest' refuses the incoming item (keeps the backlog in order, e.g. consensus);
 * - 'drop-oldest' evicts the head to make room (keeps the freshest data, e.g. gossip).
 */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest'

/**
 * What a push did, so callers can count and trace drops: `accepted` false means the
 * pushed item itself was refused; `dropped` is a queued item evicted to make room.
 */
export interface PushOutcome<T> {
  readonly accepted: boolean
  readonly dropped?: T
}

/** Ring buffers start this small and double up to `capacity`, so idle actors cost little. */
const INITIAL_SLOTS = 16

/** A FIFO ring buffer: push and shift are O(1) (amortised over growth). */
export class Mailbox<T> {
  private slots: (T | undefined)[]
  private head = 0
  private count = 0
  /** Items ever appended and ever removed: the head item is number `removed`, which lets drain stop at the items queued when it began. */
  private appended = 0
  private removed = 0

  constructor(
    readonly capacity: number,
    readonly overflow: OverflowPolicy,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`mailbox capacity must be a positive integer, got ${capacity}`)
    this.slots = new Array<T | undefined>(Math.min(capacity, INITIAL_SLOTS))
  }

  get size(): number {
    return this.count
  }

  push(item: T): PushOutcome<T> {
    if (this.count === this.capacity) {
      if (this.overflow === 'drop-newest') return { accepted: false }
      const oldest = this.shift() as T
      this.append(item)
      return { accepted: true, dropped: oldest }
    }
    this.append(item)
    return { accepted: true }
  }

  /** The oldest item, left in place (for a consumer that may not be ready for it), or undefined when empty. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head]
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined
    const item = this.slots[this.head]
    // Release the slot so a handled message can be garbage collected.
    this.slots[this.head] = undefined
    this.head = (this.head + 1) % this.slots.length
    this.count--
    this.removed++
    return item
  }

  /** Empties the mailbox; returns how many items were discarded. */
  clear(): number {
    const discarded = this.count
    this.removed += discarded
    this.slots = new Array<T | undefined>(Math.min(this.capacity, INITIAL_SLOTS))
    this.head = 0
    this.count = 0
    return discarded
  }

  /**
   * Hands the items queued now to `fn`, oldest first, and returns how many it handled.
   * Items that `fn` pushes wait for the next drain, so an actor that messages itself
   * cannot keep one drain running forever (queued items they evict are not handled).
   * If `fn` throws, the items after the one it threw on stay queued.
   */
  drain(fn: (item: T) => void): number {
    const end = this.appended
    let handled = 0
    while (this.count > 0 && this.removed < end) {
      fn(this.shift() as T)
      handled++
    }
    return handled
  }

  private append(item: T): void {
    if (this.count === this.slots.length) this.grow()
    this.slots[(this.head + this.count) % this.slots.length] = item
    this.count++
    this.appended++
  }

  /** Doubles the ring (up to capacity), unrolling it so the head is at slot 0. */
  private grow(): void {
    const larger = new Array<T | undefined>(Math.min(this.capacity, this.slots.length * 2))
    for (let i = 0; i < this.count; i++) larger[i] = this.slots[(this.head + i) % this.slots.length]
    this.slots = larger
    this.head = 0
  }
}
