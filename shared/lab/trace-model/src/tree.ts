import { nanosToMillis, type ReceivedSpan } from './span';

/** A span at its place in its trace's tree. */
export interface PlacedSpan {
  span: ReceivedSpan;
  /** The parent's position in placeSpans's result; undefined for a root. */
  parent?: number;
  /** Its position among its siblings (or among the roots). */
  index: number;
  depth: number;
  /** The last of its siblings (or of the roots). */
  last: boolean;
}

/**
 * One trace's spans as a tree, parents first, siblings by start time, then by end time (the SDK
 * starts spans on whole milliseconds, so siblings that run one after the other often start in the
 * same one), then by name, so that the order does not depend on arrival; or, `by name`, by name
 * first, an order that no timing changes, for comparing traces. A span whose parent is
 * not here (a remote caller, or not yet arrived) is a root; spans caught in a parent cycle, which only a broken sender makes,
 * come last as roots. A loop, not recursion, so that a chain of any depth cannot overflow the stack.
 */
export function placeSpans(spans: ReceivedSpan[], siblings: 'by time' | 'by name' = 'by time'): PlacedSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && span.parentSpanId !== span.spanId && byId.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const siblings = children.get(parent);
    if (siblings) siblings.push(span);
    else children.set(parent, [span]);
  }
  for (const list of children.values()) {
    list.sort(siblings === 'by name' ? byName : byTime);
  }

  const placed: PlacedSpan[] = [];
  const seen = new Set<ReceivedSpan>();
  let roots = 0;
  const placeTree = (root: ReceivedSpan) => {
    const stack: Omit<PlacedSpan, 'last'>[] = [{ span: root, index: roots++, depth: 0 }];
    const lastKids = new Set<ReceivedSpan>();
    while (stack.length > 0) {
      const entry = stack.pop()!;
      seen.add(entry.span);
      const position = placed.push({ ...entry, last: lastKids.has(entry.span) }) - 1;
      const kids = (children.get(entry.span.spanId) ?? []).filter((kid) => !seen.has(kid));
      if (kids.length) lastKids.add(kids.at(-1)!);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i], parent: position, index: i, depth: entry.depth + 1 });
    }
  };
  for (const root of children.get(undefined) ?? []) placeTree(root);
  for (const span of spans) if (!seen.has(span)) placeTree(span);
  const lastRoot = placed.findLast((entry) => entry.depth === 0);
  if (lastRoot) lastRoot.last = true;
  return placed;
}

const compareTimes = (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1);
const byTime = (a: ReceivedSpan, b: ReceivedSpan) =>
  compareTimes(a.startTimeUnixNano, b.startTimeUnixNano) || compareTimes(a.endTimeUnixNano, b.endTimeUnixNano) || a.name.localeCompare(b.name);
const byName = (a: ReceivedSpan, b: ReceivedSpan) => a.name.localeCompare(b.name) || byTime(a, b);

/** When a trace began and ended: its earliest span start and latest span end. */
export function traceBounds(spans: ReceivedSpan[]): { start: bigint; end: bigint } {
  let [start, end] = [spans[0].startTimeUnixNano, spans[0].endTimeUnixNano];
  for (const span of spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return { start, end };
}

// How far out of its parent a span may seem to run from the SDK's rounding alone (below), and
// the least that shows in a duration printed to a tenth of a millisecond.
const ROUNDING_MS = 1;
const SHOWN_MS = 0.1;

/**
 * Why `span` seems to end after its parent, by at most a millisecond: the JavaScript SDK takes a
 * span's start time from Date.now(), in whole milliseconds, but measures its duration to the
 * microsecond, so a span that ended inside its parent can be drawn ending up to 1 ms after it.
 * (Rounded down the same way, a start never falls before its parent's.) Undefined when it ends
 * inside, out by less than shows (0.1 ms), further out than the rounding takes it, or when it
 * starts before its parent: neither is this rounding.
 */
export function roundedStartNote(span: ReceivedSpan, parent: ReceivedSpan): string | undefined {
  const after = nanosToMillis(span.endTimeUnixNano - parent.endTimeUnixNano);
  if (span.startTimeUnixNano < parent.startTimeUnixNano || after > ROUNDING_MS || after < SHOWN_MS) return undefined;
  return `ends ${after.toFixed(1)} ms after its parent: the SDK's start times are whole milliseconds, its durations are not`;
}
