import type { Micros } from '../time.ts'

export interface Scheduled {
  readonly at: Micros
  /** Insertion order: breaks ties between events at the same virtual time. */
  readonly seq: number
}

/**
 * A binary min-heap ordered by (at, seq). Ordering by an insertion counter as well as
 * time is what makes the simulation deterministic: two events at the same instant
 * always run in the order they were scheduled.
 */
export class EventQueue<E extends Scheduled> {
  private readonly heap: E[] = []

  get size(): number {
    return this.heap.length
  }

  push(event: E): void {
    const heap = this.heap
    heap.push(event)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      swap(heap, i, parent)
      i = parent
    }
  }

  peek(): E | undefined {
    return this.heap[0]
  }

  pop(): E | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right
        if (smallest === i) break
        swap(heap, i, smallest)
        i = smallest
      }
    }
    return top
  }
}

const before = (a: Scheduled, b: Scheduled): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

const swap = <T>(items: T[], i: number, j: number): void => {
  const tmp = items[i]!
  items[i] = items[j]!
  items[j] = tmp
}
