import type { ReceivedSpan } from '@repo/trace-model';

/** Called with a finished trace's spans, and again, whole, when spans of it came late (`late.added`: how many). */
export type OnTrace = (spans: ReceivedSpan[], late?: { added: number }) => void;

// The traces finished last, to give a late span the spans it joins: between 1,000 and 2,000 of them.
const MAX_FINISHED = 1000;
// The traces `follow` said no to, so that it is asked once a trace: between 10,000 and 20,000 of them.
const MAX_PASSED = 10_000;

interface OpenTrace {
  id: string;
  spans: ReceivedSpan[];
  /** The tick at which it is finished unless a span of it comes first (see `ticks`). */
  tick: number;
  /** It was finished before: onTrace gets it again, saying how many spans were `added` since. */
  late: boolean;
  added: number;
}

/**
 * Groups spans into traces for `onTrace`: a trace counts as finished when none of its spans
 * arrived for `idleMs` (give or take a tenth of it, at most 100 ms); a span of a trace finished
 * lately opens it again with all its spans. At most `maxOpenSpans` spans wait in open traces: past
 * it, the traces opened first are finished early (and given again whole if more of them comes), so
 * that a flood of spans cannot pile up here. A trace that `follow` passes over is not grouped at all.
 */
export class TraceCollector {
  // Open traces in the order they opened; and, by tick (a tick is tickMs long), the traces due
  // then, in the order of their ticks. A trace that gets a span is noted again under its new
  // tick only if that differs, and its old note is passed over: a span costs a Map lookup, not a timer.
  private readonly open = new Map<string, OpenTrace>();
  private readonly due = new Map<number, OpenTrace[]>();
  // Finished traces, the newest in `finished`; once it holds MAX_FINISHED, they become `older`
  // (and the older ones go), so that none is ever looked for by walking the Map.
  private finished = new Map<string, ReceivedSpan[]>();
  private older = new Map<string, ReceivedSpan[]>();
  private readonly tickMs: number;
  private openSpans = 0;
  private timer: NodeJS.Timeout | undefined;

  // Traces `follow` said no to, the newest in `passed`, likewise in two generations.
  private passed = new Set<string>();
  private passedBefore = new Set<string>();

  /** `follow`: asked once for each trace whose first span comes; false leaves the trace out of onTrace. */
  constructor(private readonly idleMs: number, private readonly onTrace: OnTrace, private readonly maxOpenSpans = 100_000, private readonly follow?: (traceId: string) => boolean) {
    this.tickMs = Math.max(1, Math.min(100, idleMs / 10));
  }

  add(spans: ReceivedSpan[]): void {
    const tick = Math.ceil((performance.now() + this.idleMs) / this.tickMs);
    for (const span of spans) {
      let open = this.open.get(span.traceId);
      if (!open) {
        // A span of a trace finished lately: the trace again, with all its spans (a copy: onTrace has the first array).
        const finished = this.finished.get(span.traceId) ?? this.older.get(span.traceId);
        if (!finished && this.follow && !this.follows(span.traceId)) continue;
        this.finished.delete(span.traceId);
        this.older.delete(span.traceId);
        open = { id: span.traceId, spans: finished ? [...finished] : [], tick: 0, late: finished !== undefined, added: 0 };
        this.openSpans += open.spans.length;
        this.open.set(open.id, open);
      }
      open.spans.push(span);
      this.openSpans += 1;
      if (open.late) open.added += 1;
      if (open.tick !== tick) {
        open.tick = tick;
        const list = this.due.get(tick);
        if (list) list.push(open);
        else this.due.set(tick, [open]);
      }
    }
    // One iterator for the whole pass: a Map's first key, asked for afresh after each delete, is
    // found by walking past every entry deleted so far.
    if (this.openSpans > this.maxOpenSpans) {
      for (const open of this.open.values()) {
        this.finish(open);
        if (this.openSpans <= this.maxOpenSpans) break;
      }
    }
    this.timer ??= this.armTimer();
  }

  /** Hands every trace still open to onTrace now, without waiting: when the receiver closes. */
  flush(): void {
    for (const open of [...this.open.values()]) this.finish(open);
    this.due.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Drops the traces still open (no onTrace for them) and forgets the finished ones. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open.clear();
    this.due.clear();
    this.finished.clear();
    this.older.clear();
    this.passed.clear();
    this.passedBefore.clear();
    this.openSpans = 0;
  }

  /** Whether to follow a trace not open nor finished lately: asked of `follow` once a trace. */
  private follows(traceId: string): boolean {
    if (this.passed.has(traceId) || this.passedBefore.has(traceId)) return false;
    if (this.follow!(traceId)) return true;
    if (this.passed.size >= MAX_PASSED) {
      this.passedBefore = this.passed;
      this.passed = new Set();
    }
    this.passed.add(traceId);
    return false;
  }

  /** A timer for the first tick that has traces due; none if there is none. */
  private armTimer(): NodeJS.Timeout | undefined {
    const [tick] = this.due.keys();
    if (tick === undefined) return undefined;
    return setTimeout(() => {
      this.timer = undefined;
      for (const open of this.due.get(tick)!) {
        if (open.tick === tick && this.open.get(open.id) === open) this.finish(open);
      }
      this.due.delete(tick);
      this.timer = this.armTimer();
    }, Math.max(0, tick * this.tickMs - performance.now()));
  }

  private finish(open: OpenTrace): void {
    this.open.delete(open.id);
    this.openSpans -= open.spans.length;
    if (this.finished.size >= MAX_FINISHED) {
      this.older = this.finished;
      this.finished = new Map();
    }
    this.finished.set(open.id, open.spans);
    this.onTrace(open.spans, open.late ? { added: open.added } : undefined);
  }
}
