/** How an export's bytes are encoded. */
export type ExportFormat = 'protobuf' | 'json';

interface KeptExport<T> {
  /** Where its bytes lie in the slab. */
  offset: number;
  length: number;
  format: ExportFormat;
  /** Its items, and how many of the first were dropped. */
  count: number;
  skipped: number;
  /** Decoded when first read, then kept with it. */
  items?: T[];
}

/**
 * One signal's items in arrival order, kept as the exports that brought them: their bytes as
 * received (after any gunzip), decoded again when read. The receiver decodes each export as it
 * comes (to check it, count it and show it), then lets those objects go: 100,000 spans held as
 * objects take twice the bytes and, under a flood, die in V8's old generation at the flood's rate.
 *
 * The bytes are copied into one buffer used as a ring (the newest written after the oldest kept),
 * so that an export dropped leaves no buffer of its own waiting for a full garbage collection.
 * It doubles when an export finds no room (then at most twice what it holds, and four times that
 * export more), and does not shrink but on clear().
 *
 * At most `maxItems` items and `maxBytes` (each item counting its share of its export's bytes):
 * past either, the oldest go, counted as dropped.
 */
export class KeptExports<T> {
  private slab = Buffer.alloc(0);
  private kept: KeptExport<T>[] = [];
  /** Where the oldest kept export is in `kept` (those before it are gone). */
  private head = 0;
  private count = 0;
  private bytes = 0;
  /** Exports kept, items received in them, and items dropped for the bounds. */
  exports = 0;
  received = 0;
  dropped = 0;

  constructor(
    private readonly decode: (payload: Buffer, format: ExportFormat) => T[],
    private readonly maxItems: number,
    private readonly maxBytes = Infinity,
  ) {}

  /** An export of `count` items: its bytes are copied, the caller's buffer is its own again. */
  add(payload: Buffer, format: ExportFormat, count: number): void {
    this.exports += 1;
    this.received += count;
    if (count === 0) return;
    this.count += count;
    this.bytes += payload.length;
    const entry: KeptExport<T> = { offset: 0, length: payload.length, format, count, skipped: 0 };
    this.kept.push(entry);
    this.dropOldest(); // before it is written: the room of those dropped is free for it
    if (entry.skipped === count) return;
    entry.offset = this.place(payload.length);
    payload.copy(this.slab, entry.offset);
  }

  /** The items, oldest first: a new array. */
  get items(): T[] {
    const items: T[] = [];
    for (let i = this.head; i < this.kept.length; i++) {
      const kept = this.kept[i];
      kept.items ??= this.decode(this.slab.subarray(kept.offset, kept.offset + kept.length), kept.format);
      for (let j = kept.skipped; j < kept.count; j++) items.push(kept.items[j]);
    }
    return items;
  }

  clear(): void {
    release(this.slab);
    this.slab = Buffer.alloc(0);
    this.kept = [];
    this.head = this.count = this.bytes = 0;
    this.exports = this.received = this.dropped = 0;
  }

  /**
   * Where `length` bytes go: after the newest kept export, or at the slab's start if they fit
   * before the oldest; else the slab doubles (or more), the kept exports moved to its start in order.
   */
  private place(length: number): number {
    const last = this.kept.length - 1; // the new one, not yet placed
    if (this.head === last) return length <= this.slab.length ? 0 : this.grow(length);
    const oldest = this.kept[this.head];
    const newest = this.kept[last - 1];
    const after = newest.offset + newest.length;
    if (newest.offset >= oldest.offset) {
      if (after + length <= this.slab.length) return after; // room at the end
      if (length <= oldest.offset) return 0; // room before the oldest: the ring wraps round
    } else if (after + length <= oldest.offset) return after; // wrapped: room before the oldest
    return this.grow(length);
  }

  private grow(length: number): number {
    const placed = this.kept.slice(this.head, -1);
    const used = placed.reduce((sum, kept) => sum + kept.length, 0);
    const slab = Buffer.allocUnsafeSlow(Math.max(2 * this.slab.length, 2 * (used + length)));
    let at = 0;
    for (const kept of placed) {
      this.slab.copy(slab, at, kept.offset, kept.offset + kept.length);
      kept.offset = at;
      at += kept.length;
    }
    release(this.slab);
    this.slab = slab;
    return at;
  }

  /** Drops the oldest items while over a bound, whole exports when none of theirs is left. */
  private dropOldest(): void {
    while (this.count > this.maxItems || this.bytes > this.maxBytes) {
      const oldest = this.kept[this.head];
      const share = oldest.length / oldest.count;
      const left = oldest.count - oldest.skipped;
      const overCount = this.count - this.maxItems;
      const overBytes = Math.ceil((this.bytes - this.maxBytes) / share);
      const drop = Math.min(left, Math.max(overCount, overBytes, 1));
      oldest.skipped += drop;
      this.count -= drop;
      this.bytes -= drop * share;
      this.dropped += drop;
      if (this.count === 0) this.bytes = 0; // no fractions of shares left over
      if (oldest.skipped === oldest.count) {
        this.kept[this.head++] = undefined as never; // no longer held here
        // The list is compacted once half of it is gone: dropping stays a step, not a copy of all.
        if (this.head * 2 >= this.kept.length) {
          this.kept = this.kept.slice(this.head);
          this.head = 0;
        }
      }
    }
  }
}

/**
 * Frees a slab's memory now, rather than at the full garbage collection that would find it gone
 * (a flood's slabs, each twice the last, would otherwise wait for one together): its bytes are
 * handed to a buffer of none, and it is left empty.
 */
function release(slab: Buffer): void {
  if (slab.length > 0) (slab.buffer as ArrayBuffer).transfer(0); // allocUnsafeSlow's: its own, never shared
}
