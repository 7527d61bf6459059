/** One signal's items kept in arrival order, at most `max`: past it the oldest go, counted as dropped. */
export class KeptItems<T> {
  items: T[] = [];
  /** Exports kept, items received in them, and items dropped for the bound. */
  exports = 0;
  received = 0;
  dropped = 0;

  constructor(private readonly max: number) {}

  add(items: T[]): void {
    this.exports += 1;
    this.received += items.length;
    for (const item of items) this.items.push(item); // not push(...items): an export can hold more items than a call takes arguments
    if (this.items.length > this.max) {
      this.dropped += this.items.length - this.max;
      this.items = this.items.slice(-this.max);
    }
  }

  clear(): void {
    this.items = [];
    this.exports = this.received = this.dropped = 0;
  }
}
