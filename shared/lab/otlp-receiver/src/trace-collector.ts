import type { ReceivedSpan } from '@repo/trace-model';

/** Called with a finished trace's spans, and again, whole, when spans of it came late (`late.added`: how many). */
export type OnTrace = (spans: ReceivedSpan[], late?: { added: number }) => void;

// The traces finished last, to give a late span the spans it joins; past it the oldest go.
const MAX_FINISHED = 1000;

interface OpenTrace {
  spans: ReceivedSpan[];
  /** When its last span came (performance.now()). */
  lastSpanAt: number;
  /** It was finished before: onTrace gets it again, saying how many spans were `added` since. */
  late: boolean;
  added: number;
}

/**
 * Groups spans into traces for `onTrace`: a trace counts as finished when none of its spans
 * arrived for `idleMs`; a span of a trace finished lately opens it again with all its spans. At
 * most `maxOpenSpans` spans wait in open traces: past it, the traces idle longest are finished
 * early (and given again whole if more of them comes), so that a flood of spans cannot pile up here.
 */
export class TraceCollector {
  // In the order of their last span: a trace that gets a span moves to the end, so the first is
  // always the one idle longest, and one timer, for the first, serves them all.
  private readonly open = new Map<string, OpenTrace>();
  private readonly finished = new Map<string, ReceivedSpan[]>();
  private openSpans = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number, private readonly onTrace: OnTrace, private readonly maxOpenSpans = 100_000) {}

  add(spans: ReceivedSpan[]): void {
    const now = performance.now();
    for (const span of spans) {
      const id = span.traceId;
      let open = this.open.get(id);
      if (open) this.open.delete(id);
      else {
        // A span of a trace finished lately: the trace again, with all its spans (a copy: onTrace has the first array).
        const finished = this.finished.get(id);
        this.finished.delete(id);
        open = { spans: finished ? [...finished] : [], lastSpanAt: now, late: finished !== undefined, added: 0 };
        this.openSpans += open.spans.length;
      }
      open.spans.push(span);
      this.openSpans += 1;
      if (open.late) open.added += 1;
      open.lastSpanAt = now;
      this.open.set(id, open);
    }
    // One pass of one iterator: a Map's first key, asked for again after each delete, is found by
    // walking past every entry deleted so far, which made this quadratic under a flood.
    if (this.openSpans > this.maxOpenSpans) {
      for (const id of this.open.keys()) {
        this.finish(id);
        if (this.openSpans <= this.maxOpenSpans) break;
      }
    }
    this.timer ??= this.armTimer();
  }

  /** Hands every trace still open to onTrace now, without waiting: when the receiver closes. */
  flush(): void {
    for (const id of [...this.open.keys()]) this.finish(id);
  }

  /** Drops the traces still open (no onTrace for them) and forgets the finished ones. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open.clear();
    this.finished.clear();
    this.openSpans = 0;
  }

  /** A timer for when the trace idle longest will be finished; none if no trace is open. */
  private armTimer(): NodeJS.Timeout | undefined {
    const first = this.open.values().next().value;
    if (!first) return undefined;
    return setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      for (const [id, open] of this.open) {
        if (now - open.lastSpanAt < this.idleMs) break;
        this.finish(id);
      }
      this.timer = this.armTimer();
    }, Math.max(0, first.lastSpanAt + this.idleMs - performance.now()));
  }

  private finish(id: string): void {
    const open = this.open.get(id)!;
    this.open.delete(id);
    this.openSpans -= open.spans.length;
    this.finished.set(id, open.spans);
    if (this.finished.size > MAX_FINISHED) this.finished.delete(this.finished.keys().next().value!);
    this.onTrace(open.spans, open.late ? { added: open.added } : undefined);
  }
}
