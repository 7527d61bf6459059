import type { ReceivedSpan } from '@repo/trace-model';

/** Called with a finished trace's spans, and again, whole, when spans of it came late (`late.added`: how many). */
export type OnTrace = (spans: ReceivedSpan[], late?: { added: number }) => void;

// The traces finished last, to give a late span the spans it joins; past it the oldest go.
const MAX_FINISHED = 1000;

/**
 * Groups spans into traces for `onTrace`: a trace counts as finished when none of its spans
 * arrived for `idleMs`; a span of a trace finished lately opens it again with all its spans.
 */
export class TraceCollector {
  private readonly open = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout | undefined; added: number }>();
  private readonly finished = new Map<string, ReceivedSpan[]>();

  constructor(private readonly idleMs: number, private readonly onTrace: OnTrace) {}

  add(spans: ReceivedSpan[]): void {
    for (const span of spans) {
      const id = span.traceId;
      const finished = this.finished.get(id);
      this.finished.delete(id);
      const open = this.open.get(id) ?? { spans: finished ? [...finished] : [], timer: undefined, added: 0 };
      clearTimeout(open.timer);
      open.spans.push(span);
      if (finished || open.added) open.added += 1;
      open.timer = setTimeout(() => this.finish(id), this.idleMs);
      this.open.set(id, open);
    }
  }

  /** Hands every trace still open to onTrace now, without waiting: when the receiver closes. */
  flush(): void {
    for (const id of [...this.open.keys()]) this.finish(id);
  }

  private finish(id: string): void {
    const open = this.open.get(id)!;
    clearTimeout(open.timer);
    this.open.delete(id);
    this.finished.set(id, open.spans);
    if (this.finished.size > MAX_FINISHED) this.finished.delete(this.finished.keys().next().value!);
    this.onTrace(open.spans, open.added ? { added: open.added } : undefined);
  }

  /** Drops the traces still open (no onTrace for them) and forgets the finished ones. */
  clear(): void {
    for (const { timer } of this.open.values()) clearTimeout(timer);
    this.open.clear();
    this.finished.clear();
  }
}
