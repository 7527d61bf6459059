// Two sets of spans, metric points and log records held to each other item by item, every field:
// each item as one line of JSON (keys sorted, 64-bit numbers as decimal strings), and what one side
// has more often than the other. Order does not count: the collector's exporters send on their own.
import type { Items } from './collector-file.ts';

export interface ItemDifferences {
  /** Items (as their JSON line) that only the first side has, or has more of. */
  onlyInFirst: string[];
  onlyInSecond: string[];
}

export function itemDifferences(first: Items, second: Items): ItemDifferences {
  const lines = (items: Items) => [
    ...items.spans.map((span) => `span ${canonical(span)}`),
    ...items.points.map((point) => `metric point ${canonical(point)}`),
    ...items.records.map((record) => `log record ${canonical(record)}`),
  ];
  const counts = new Map<string, number>();
  for (const line of lines(first)) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const line of lines(second)) counts.set(line, (counts.get(line) ?? 0) - 1);
  const side = (sign: 1 | -1) => [...counts].flatMap(([line, n]) => Array<string>(Math.max(0, sign * n)).fill(line));
  return { onlyInFirst: side(1), onlyInSecond: side(-1) };
}

/** JSON with every object's keys sorted, so that two equal items give the same line. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    // A double that JSON cannot write (NaN, ±Infinity) keeps its name rather than becoming null.
    if (typeof v === 'number' && !Number.isFinite(v)) return `double ${v}`;
    return v;
  });
}
