/**
 * The executor's ready operations, served in plan order. The operations ready from the start
 * (already in plan order) are read through a cursor; only those that become ready when a
 * dependency finishes go into a binary min-heap on their position in the plan. That heap holds
 * about what the running operations unlocked, not the whole plan, so a plan of n operations
 * costs O(n log c) comparisons for c in flight, where sorting the whole queue after every
 * finished operation cost O(n² log n).
 */
export class ReadyQueue<T> {
  private readonly heap: T[] = [];
  private next = 0;

  /**
   * `initial` must be sorted by `rank` (lower first); `onCompare` is called on every comparison,
   * so tests can count the work instead of timing it.
   */
  constructor(
    private readonly rank: (item: T) => number,
    private readonly initial: readonly T[] = [],
    private readonly onCompare: () => void = () => {},
  ) {}

  get size(): number {
    return this.heap.length + this.initial.length - this.next;
  }

  /** The lowest-ranked item, or undefined when empty. */
  pop(): T | undefined {
    if (this.next < this.initial.length) {
      const head = this.initial[this.next]!;
      if (this.heap.length === 0 || this.less(head, this.heap[0]!)) {
        this.next++;
        return head;
      }
    }
    return this.popHeap();
  }

  push(item: T): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private popHeap(): T | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < h.length && this.less(h[l]!, h[min]!)) min = l;
        if (r < h.length && this.less(h[r]!, h[min]!)) min = r;
        if (min === i) break;
        [h[i], h[min]] = [h[min]!, h[i]!];
        i = min;
      }
    }
    return top;
  }

  private less(a: T, b: T): boolean {
    this.onCompare();
    return this.rank(a) < this.rank(b);
  }
}
