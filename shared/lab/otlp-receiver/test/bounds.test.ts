// What the receiver holds is bounded: the items it keeps, by count and by bytes as received
// (KeptItems), and the spans waiting in traces not yet finished (TraceCollector), by count.
import type { ReceivedSpan } from '@repo/trace-model';
import { describe, expect, it } from 'vitest';
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

  it('finishes the traces idle longest early when more than maxOpenSpans wait, and gives one again, whole, when more of it comes', () => {
    const calls: string[] = [];
    const collector = new TraceCollector(60_000, (spans, late) => calls.push(`${spans.map((s) => s.name).join('+')}${late ? ` (late ${late.added})` : ''}`), 4);
    collector.add([span('t1', 'a'), span('t2', 'b'), span('t1', 'c')]);
    collector.add([span('t3', 'd'), span('t3', 'e')]); // 5 spans wait: t2 is idle longest
    expect(calls).toEqual(['b']);
    collector.add([span('t2', 'f')]); // t2 again, with its span: 5 wait, so t1 goes
    expect(calls).toEqual(['b', 'a+c']);
    collector.flush();
    expect(calls).toEqual(['b', 'a+c', 'd+e', 'b+f (late 1)']);
  });
});
