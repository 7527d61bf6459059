// The decoder's cache of texts by their bytes: the same string object for the same bytes, and
// never a wrong text, whatever lands in a slot, so that caching changes nothing but the cost.
import { describe, expect, it } from 'vitest';
import { TextCache } from '../src/text-cache.ts';

const utf8 = (bytes: Buffer, start: number, end: number) => bytes.toString('utf8', start, end);

describe('TextCache, the decoder\'s texts found again by their bytes', () => {
  it('gives the same string object for the same bytes, wherever they lie, decoding them once', () => {
    let decoded = 0;
    const cache = new TextCache((bytes, start, end) => (decoded++, utf8(bytes, start, end)));
    const first = Buffer.from('..network.peer.address..');
    const again = Buffer.from('network.peer.address');
    const text = cache.text(first, 2, 22);
    expect(text).toBe('network.peer.address');
    expect(cache.text(again, 0, again.length)).toBe(text);
    expect(decoded).toBe(1);
  });

  it('gives the right text when texts share a slot, as every text does with one slot', () => {
    const cache = new TextCache(utf8, 1);
    const texts = ['a', 'b', 'ab', 'ba', '', 'a', 'é', 'service.name', 'service.namf'];
    for (const text of [...texts, ...texts.toReversed()]) {
      const bytes = Buffer.from(`${text}`);
      expect(cache.text(bytes, 0, bytes.length)).toBe(text);
    }
  });

  it('decodes as Buffer does, invalid UTF-8 and texts longer than a slot included', () => {
    const cache = new TextCache(utf8, 16, 4);
    for (const bytes of [Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82]), Buffer.from('longer than four'), Buffer.from('日本'), Buffer.from('日')]) {
      expect(cache.text(bytes, 0, bytes.length)).toBe(bytes.toString('utf8'));
      expect(cache.text(bytes, 0, bytes.length)).toBe(bytes.toString('utf8'));
    }
  });

  it('refuses a number of slots that is not a power of two', () => {
    expect(() => new TextCache(utf8, 100)).toThrow('slots must be a power of two, not 100');
    expect(() => new TextCache(utf8, 0)).toThrow('slots must be a power of two, not 0');
  });
});
