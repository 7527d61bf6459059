/**
 * One signal's items kept in arrival order, at most `maxItems` of them and `maxBytes` as received
 * (each item counts its share of its export's bytes): past either, the oldest go, counted as
 * dropped. A ring: an export that pushes the oldest out costs its own items, not a copy of all.
 */
export class KeptItems<T> {
  private ring: (T | undefined)[] = [];
  private sizes: number[] = [];
  /** Where the oldest item is, and how many there are from it on (wrapping round). */
  private head = 0;
  private count = 0;
  private bytes = 0;
  /** Exports kept, items received in them, and items dropped for the bounds. */
  exports = 0;
  received = 0;
  dropped = 0;

  constructor(private readonly maxItems: number, private readonly maxBytes = Infinity) {}

  add(items: T[], bytes: number): void {
    this.exports += 1;
    this.received += items.length;
    const size = items.length ? bytes / items.length : 0;
    for (const item of items) {
      if (this.maxItems === 0) {
        this.dropped += 1;
        continue;
      }
      if (this.count === this.ring.length) {
        if (this.ring.length < this.maxItems) this.grow();
        else this.dropOldest();
      }
      const at = (this.head + this.count) % this.ring.length;
      this.ring[at] = item;
      this.sizes[at] = size;
      this.count += 1;
      this.bytes += size;
      while (this.bytes > this.maxBytes) this.dropOldest();
    }
  }

  /** The items, oldest first: a new array. */
  get items(): T[] {
    const end = this.head + this.count;
    const items = end <= this.ring.length ? this.ring.slice(this.head, end) : [...this.ring.slice(this.head), ...this.ring.slice(0, end - this.ring.length)];
    return items as T[];
  }

  clear(): void {
    this.ring = [];
    this.sizes = [];
    this.head = this.count = this.bytes = 0;
    this.exports = this.received = this.dropped = 0;
  }

  private dropOldest(): void {
    this.ring[this.head] = undefined; // no longer held here
    this.bytes -= this.sizes[this.head];
    this.head = (this.head + 1) % this.ring.length;
    this.count -= 1;
    this.dropped += 1;
  }

  /** Twice the slots (up to maxItems), the items moved to the start in order. */
  private grow(): void {
    const capacity = Math.min(this.maxItems, Math.max(16, 2 * this.ring.length));
    const sizes = this.items.map((_, i) => this.sizes[(this.head + i) % this.ring.length]);
    this.ring = this.items;
    this.sizes = sizes;
    this.head = 0;
    this.ring.length = this.sizes.length = capacity;
  }
}
