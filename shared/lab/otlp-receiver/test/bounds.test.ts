// What the receiver holds is bounded: the items it keeps, by count and by bytes as received
// (KeptItems), and the spans waiting in traces not yet finished (TraceCollector), by count.
import type { ReceivedSpan } from '@repo/trace-model';
import { describe, expect, it, vi } from 'vitest';
import { KeptItems } from '../src/kept-items.ts';
import { TraceCollector } from '../src/trace-collector.ts';

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('KeptItems', () => {
  it('keeps the newest maxItems in arrival order, counting the rest as dropped, across many exports', () => {
    const kept = new KeptItems<number>(50);
    for (let from = 1; from <= 1000; from += 7) kept.add(numbers(from, from + 6), 0);
    expect(kept.items).toEqual(numbers(952, 1001));
    expect({ exports: kept.exports, received: kept.received, dropped: kept.dropped }).toEqual({ exports: 143, received: 1001, dropped: 951 });
  });

  it('keeps at most maxBytes, each item counting its share of its export\'s bytes, dropping the oldest', () => {
    const kept = new KeptItems<string>(1000, 100);
    kept.add(['a1', 'a2', 'a3', 'a4'], 40); // 10 bytes each
    kept.add(['b1', 'b2'], 60); // 30 each: 40 + 60 = 100, all fit
    expect(kept.items).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
    kept.add(['c1'], 25); // 125 bytes: the three oldest go
    expect(kept.items).toEqual(['a4', 'b1', 'b2', 'c1']);
    kept.add(['d1'], 500); // larger than the bound alone: everything goes, itself too
    expect([kept.items, kept.dropped]).toEqual([[], 8]);
    kept.add(numbers(1, 30).map(String), 30); // and it fills again, in order
    expect(kept.items).toEqual(numbers(1, 30).map(String));
  });

  it('keeps nothing with maxItems 0, and forgets everything on clear()', () => {
    const none = new KeptItems<number>(0);
    none.add([1, 2], 2);
    expect([none.items, none.dropped]).toEqual([[], 2]);
    const kept = new KeptItems<number>(3);
    kept.add([1, 2, 3, 4, 5], 5);
    kept.clear();
    kept.add([6], 1);
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
