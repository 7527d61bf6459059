/**
 * Texts decoded lately, found again by their bytes: the same string object for the same bytes,
 * without making a new one. An export's thousand spans repeat their attribute keys, values,
 * names and trace ids, and so do the exports after it; a string made for each would be most of
 * the decoder's work and garbage, and each kept span would hold copies of it.
 *
 * Direct-mapped and bounded: a hash of the bytes picks one of `slots` slots, which holds the bytes
 * (at most `maxBytes` of them: longer texts are decoded every time) and their text; a different
 * text that lands there takes the slot.
 */
export class TextCache {
  private readonly mask: number;
  /** Each slot's bytes, `maxBytes` apart; its length in `lengths` (-1: empty). */
  private readonly slab: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly texts: string[];

  constructor(
    private readonly decode: (bytes: Buffer, start: number, end: number) => string,
    slots = 4096,
    private readonly maxBytes = 64,
  ) {
    if (!Number.isSafeInteger(slots) || slots < 1 || slots & (slots - 1)) throw new Error(`slots must be a power of two, not ${slots}`);
    this.mask = slots - 1;
    this.slab = new Uint8Array(slots * maxBytes);
    this.lengths = new Int32Array(slots).fill(-1);
    this.texts = new Array<string>(slots).fill('');
  }

  /** The text of `bytes` from `start` to `end`. */
  text(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > this.maxBytes) return this.decode(bytes, start, end);
    // FNV-1a, 32-bit.
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
    const slot = hash & this.mask;
    const at = slot * this.maxBytes;
    if (this.lengths[slot] === length && this.holds(at, bytes, start, length)) return this.texts[slot];
    const text = this.decode(bytes, start, end);
    for (let i = 0; i < length; i++) this.slab[at + i] = bytes[start + i];
    this.lengths[slot] = length;
    this.texts[slot] = text;
    return text;
  }

  private holds(at: number, bytes: Buffer, start: number, length: number): boolean {
    for (let i = 0; i < length; i++) if (this.slab[at + i] !== bytes[start + i]) return false;
    return true;
  }
}
