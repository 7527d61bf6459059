// What the receiver holds is bounded: the items it keeps, by count and by bytes as received
// (KeptExports), and the spans waiting in traces not yet finished (TraceCollector), by count.
import type { ReceivedSpan } from '@repo/trace-model';
import { describe, expect, it, vi } from 'vitest';
import { KeptExports } from '../src/kept-exports.ts';
import { TraceCollector } from '../src/trace-collector.ts';

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('KeptExports', () => {
  // Exports of JSON arrays, `bytes` long (padded with spaces), decoded when read.
  let decoded = 0;
  const keptExports = <T>(maxItems: number, maxBytes?: number) =>
    new KeptExports<T>((payload) => (decoded++, JSON.parse(payload.toString())), maxItems, maxBytes);
  const add = <T>(kept: KeptExports<T>, items: T[], bytes = JSON.stringify(items).length) =>
    kept.add(Buffer.from(JSON.stringify(items).padEnd(bytes)), 'json', items.length);

  it('keeps the newest maxItems in arrival order, counting the rest as dropped, across many exports', () => {
    const kept = keptExports<number>(50);
    for (let from = 1; from <= 1000; from += 7) add(kept, numbers(from, from + 6));
    expect(kept.items).toEqual(numbers(952, 1001));
    expect({ exports: kept.exports, received: kept.received, dropped: kept.dropped }).toEqual({ exports: 143, received: 1001, dropped: 951 });
  });

  it('keeps at most maxBytes, each item counting its share of its export\'s bytes, dropping the oldest', () => {
    const kept = keptExports<string | number>(1000, 100);
    add(kept, ['a1', 'a2', 'a3', 'a4'], 40); // 10 bytes each
    add(kept, ['b1', 'b2'], 60); // 30 each: 40 + 60 = 100, all fit
    expect(kept.items).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
    add(kept, ['c1'], 25); // 125 bytes: the three oldest go
    expect(kept.items).toEqual(['a4', 'b1', 'b2', 'c1']);
    add(kept, ['d1'], 500); // larger than the bound alone: everything goes, itself too
    expect([kept.items, kept.dropped]).toEqual([[], 8]);
    add(kept, numbers(1, 10), 200); // 20 bytes each: its first five go, the rest is kept
    expect([kept.items, kept.dropped]).toEqual([numbers(6, 10), 13]);
    add(kept, numbers(1, 20), 100); // and it fills again, in order
    expect(kept.items).toEqual(numbers(1, 20));
  });

  it('decodes each export once, when first read, from its own copy of the bytes', () => {
    const kept = keptExports<number>(10);
    const received = Buffer.from(`${JSON.stringify([1, 2])}${JSON.stringify([3])}`);
    kept.add(received.subarray(0, 5), 'json', 2);
    kept.add(received.subarray(5), 'json', 1);
    received.fill(0); // the transport's buffer, used again
    decoded = 0;
    expect([kept.items, kept.items, decoded]).toEqual([[1, 2, 3], [1, 2, 3], 2]);
  });

  it('gives back every kept export\'s items whole while its ring of bytes wraps round and grows', () => {
    // 300 exports of 1 to 40 items and 0 to 200 bytes of padding, and the newest items a plain list keeps
    // after each. A fresh store is given the first n of them and read once, for every n, so that no
    // export was decoded (and its items kept) before a later one could have overwritten its bytes.
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const sent: { items: number[]; bytes: number }[] = [];
    const expected: number[][] = [];
    let list: { item: number; share: number }[] = [];
    for (let next = 0; sent.length < 300; ) {
      const items = numbers(next, next + random(40));
      next += items.length;
      const bytes = JSON.stringify(items).length + random(200);
      sent.push({ items, bytes });
      list = [...list, ...items.map((item) => ({ item, share: bytes / items.length }))];
      let total = list.reduce((sum, { share }) => sum + share, 0);
      while (list.length > 300 || total > 4000 + 1e-6) total -= list.shift()!.share;
      expected.push(list.map(({ item }) => item));
    }
    for (let n = 1; n <= sent.length; n++) {
      const kept = keptExports<number>(300, 4000);
      for (const { items, bytes } of sent.slice(0, n)) add(kept, items, bytes);
      expect(kept.items, `after ${n} exports`).toEqual(expected[n - 1]);
    }
  });

  it('never writes an export over one still kept, where the ring is too full at its end or before its oldest', () => {
    // The first export makes a ring of twice its 100 bytes; the second fills it.
    const fullAtTheEnd = keptExports<number>(10);
    add(fullAtTheEnd, numbers(1, 5), 100);
    add(fullAtTheEnd, numbers(6, 10), 100);
    add(fullAtTheEnd, numbers(11, 15), 110); // the first goes, but 110 bytes do not fit in its 100
    expect(fullAtTheEnd.items).toEqual(numbers(6, 15));
    const fullBeforeTheOldest = keptExports<number>(10);
    add(fullBeforeTheOldest, numbers(1, 5), 100);
    add(fullBeforeTheOldest, numbers(6, 10), 100);
    add(fullBeforeTheOldest, numbers(11, 15), 80); // written where the first was: 20 bytes left before the second
    add(fullBeforeTheOldest, [16], 30); // one item of the second goes, the rest of it stays
    expect(fullBeforeTheOldest.items).toEqual(numbers(7, 16));
  });

  it('keeps nothing with maxItems 0, and forgets everything on clear()', () => {
    const none = keptExports<number>(0);
    add(none, [1, 2]);
    expect([none.items, none.dropped]).toEqual([[], 2]);
    const kept = keptExports<number>(3);
    add(kept, [1, 2, 3, 4, 5]);
    kept.clear();
    add(kept, [6]);
    expect([kept.items, kept.received, kept.dropped]).toEqual([[6], 1, 0]);
  });
});

describe('TraceCollector', () => {
  const span = (traceId: string, name: string) => ({ traceId, name }) as ReceivedSpan;

  it('finishes the traces opened first early when more than maxOpenSpans wait, and gives one again, whole, when more of it comes', () => {
    const calls: string[] = [];
    const collector = new TraceCollector(60_000, (spans, late) => calls.push(`${spans.map((s) => s.name).join('+')}${late ? ` (late ${late.added})` : ''}`), 4);
    collector.add([span('t1', 'a'), span('t2', 'b'), span('t1', 'c')]);
    collector.add([span('t3', 'd'), span('t3', 'e')]); // 5 spans wait: t1, opened first, goes
    expect(calls).toEqual(['a+c']);
    collector.add([span('t1', 'f')]); // t1 again, with its two spans: 6 wait, so t2 and t3 go
    expect(calls).toEqual(['a+c', 'b', 'd+e']);
    collector.flush();
    expect(calls).toEqual(['a+c', 'b', 'd+e', 'a+c+f (late 1)']);
  });

  it('asks follow once a trace, and leaves the traces it passes over out of onTrace, holding none of their spans', () => {
    const asked: string[] = [];
    const calls: string[] = [];
    const collector = new TraceCollector(60_000, (spans) => calls.push(spans.map((s) => s.name).join('+')), 3, (id) => asked.push(id) > 0 && id !== 't2');
    collector.add([span('t1', 'a'), span('t2', 'b'), span('t2', 'c'), span('t1', 'd'), span('t2', 'e')]);
    collector.add([span('t2', 'f'), span('t3', 'g')]); // t2's spans took no room: t1 stays open
    expect(calls).toEqual([]);
    collector.flush();
    expect([asked, calls]).toEqual([['t1', 't2', 't3'], ['a+d', 'g']]);
  });

  it('finishes a trace once none of its spans came for idleMs (to a tenth of it), each trace on its own time', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const done: string[] = [];
      const collector = new TraceCollector(40, (spans) => done.push(spans.map((s) => s.name).join('+')), 100);
      collector.add([span('t1', 'a'), span('t2', 'b')]);
      vi.advanceTimersByTime(25);
      collector.add([span('t2', 'c')]); // t2 waits 40 ms more from here
      vi.advanceTimersByTime(14);
      expect(done).toEqual([]);
      vi.advanceTimersByTime(1 + 4);
      expect(done).toEqual(['a']);
      vi.advanceTimersByTime(25);
      expect(done).toEqual(['a', 'b+c']);
      collector.add([span('t4', 'h')]);
      collector.flush(); // at once, and its timer gone with it
      vi.advanceTimersByTime(100);
      expect(done).toEqual(['a', 'b+c', 'h']);
    } finally {
      vi.useRealTimers();
    }
  });
});
