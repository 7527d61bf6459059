import { ConditionWaiters } from '@repo/condition-waiters';
import type { ReceivedSpan } from '@repo/trace-model';
import { decodeProtobufRequest } from './otlp';
import { describe, startGrpcTransport, startHttpTransport, urlHost, type Transport } from './transports';

export { ReceiverListenError } from './transports';

export interface ReceiverOptions {
  /** OTLP/gRPC port. Default 4317; 0 takes a free one. */
  grpcPort?: number;
  /** OTLP/HTTP port (protobuf and JSON on /v1/traces). Default 4318; 0 takes a free one; null: none. */
  httpPort?: number | null;
  /** Default `localhost`. */
  host?: string;
  /** Spans kept for `spans()`; past it the oldest go, and are counted as dropped. Default 100,000. */
  maxSpans?: number;
  /** Largest request body or gRPC message accepted, in bytes. Default 8 MiB. */
  maxMessageBytes?: number;
  /** A trace counts as finished when none of its spans arrived for this long. Default 500 ms. */
  traceIdleMs?: number;
  /**
   * Called with each finished trace's spans, e.g. to print it; and again with the whole trace when
   * spans of it arrive after that (`late`: how many), so that none is lost to a slow exporter.
   */
  onTrace?: (spans: ReceivedSpan[], late?: { added: number }) => void;
  /** Called with a readable line for each rejected export. Default: console.error. */
  onReject?: (message: string) => void;
  /** Holds each export this long before answering: a slow collector, for tests. Default 0. */
  delayMs?: number;
  /**
   * Answers gRPC exports without decoding them, and decodes what it kept at the next spans()
   * or stats(): for the benchmark, where decoding would compete with the apps for the CPU.
   */
  decodeLater?: boolean;
}

export interface ReceiverStats {
  exports: number;
  spans: number;
  rejected: number;
  dropped: number;
}

export interface Receiver {
  readonly grpcPort: number;
  readonly httpPort: number | null;
  /** Where an OTLP/gRPC exporter should send: `http://<host>:<grpcPort>`, an IPv6 host in brackets. */
  readonly grpcEndpoint: string;
  /** The spans received and kept so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Resolves with all spans once `until` holds for them; rejects after `timeoutMs` (default 10 s). */
  waitForSpans(until: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Calls `listener` after each export is kept (decoded or not), e.g. to update a view; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  stats(): ReceiverStats;
  /** Forgets the spans kept or not yet decoded, zeroes the stats, and drops the traces still open (no onTrace for them). */
  clear(): void;
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const host = options.host ?? 'localhost';
  const maxSpans = options.maxSpans ?? 100_000;
  const maxMessageBytes = options.maxMessageBytes ?? 8 * 1024 * 1024;
  const traceIdleMs = options.traceIdleMs ?? 500;
  const onReject = options.onReject ?? ((message: string) => console.error(message));
  const delay = async () => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  };

  let kept: ReceivedSpan[] = [];
  const stats: ReceiverStats = { exports: 0, spans: 0, rejected: 0, dropped: 0 };
  // waitForSpans's checks and subscribe's listeners, called after each kept export.
  const waiters = new ConditionWaiters();
  const openTraces = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout; added: number }>();
  // The traces finished last, to give a late span the spans it joins; the oldest go past 1,000.
  const finishedTraces = new Map<string, ReceivedSpan[]>();
  let undecoded: Buffer[] = [];

  // Without notifying: each export was announced when it was kept undecoded.
  function decodeKept(): void {
    const pending = undecoded;
    undecoded = [];
    for (const bytes of pending) {
      try {
        accept(decodeProtobufRequest(bytes));
      } catch (error) {
        reject('OTLP/gRPC', describe(error));
      }
    }
  }

  function accept(spans: ReceivedSpan[]): void {
    stats.exports += 1;
    stats.spans += spans.length;
    kept.push(...spans);
    if (kept.length > maxSpans) {
      stats.dropped += kept.length - maxSpans;
      kept = kept.slice(-maxSpans);
    }
    if (options.onTrace) collectTraces(spans, options.onTrace);
  }

  function notify(): void {
    waiters.changed();
  }

  function forgetOpenTraces(): void {
    for (const { timer } of openTraces.values()) clearTimeout(timer);
    openTraces.clear();
    finishedTraces.clear();
  }

  function collectTraces(spans: ReceivedSpan[], onTrace: NonNullable<ReceiverOptions['onTrace']>): void {
    for (const span of spans) {
      const id = span.traceId;
      const finished = finishedTraces.get(id);
      finishedTraces.delete(id);
      const open = openTraces.get(id) ?? { spans: finished ? [...finished] : [], timer: undefined as unknown as NodeJS.Timeout, added: 0 };
      clearTimeout(open.timer);
      open.spans.push(span);
      if (finished || open.added) open.added += 1;
      open.timer = setTimeout(() => {
        openTraces.delete(id);
        finishedTraces.set(id, open.spans);
        if (finishedTraces.size > 1000) finishedTraces.delete(finishedTraces.keys().next().value!);
        onTrace(open.spans, open.added ? { added: open.added } : undefined);
      }, traceIdleMs);
      openTraces.set(id, open);
    }
  }

  function reject(transport: string, reason: string): void {
    stats.rejected += 1;
    onReject(`otlp-receiver: rejected an ${transport} export: ${reason}`);
  }

  const sink = {
    accept: async (spans: ReceivedSpan[]) => {
      await delay();
      accept(spans);
      notify();
    },
    keepUndecoded: options.decodeLater
      ? (bytes: Buffer) => {
          undecoded.push(bytes);
          notify();
        }
      : undefined,
    reject,
  };
  const grpcTransport = await startGrpcTransport(host, options.grpcPort ?? 4317, maxMessageBytes, sink);
  let httpTransport: Transport | null = null;
  if (options.httpPort !== null) {
    try {
      httpTransport = await startHttpTransport(host, options.httpPort ?? 4318, maxMessageBytes, sink);
    } catch (error) {
      await grpcTransport.close();
      throw error;
    }
  }
  const grpcPort = grpcTransport.port;

  return {
    grpcPort,
    httpPort: httpTransport?.port ?? null,
    grpcEndpoint: `http://${urlHost(host)}:${grpcPort}`,
    spans: () => {
      decodeKept();
      return [...kept];
    },
    stats: () => {
      decodeKept();
      return { ...stats };
    },
    subscribe: (listener) => waiters.subscribe(listener),
    clear() {
      kept = [];
      undecoded = [];
      Object.assign(stats, { exports: 0, spans: 0, rejected: 0, dropped: 0 });
      forgetOpenTraces();
    },
    waitForSpans(until, timeoutMs = 10_000) {
      const test = () => {
        decodeKept();
        return until(kept) ? [...kept] : undefined;
      };
      return waiters.waitFor(test, timeoutMs, () => new Error(`timed out after ${timeoutMs} ms waiting for spans; received ${kept.length}: ${
        kept.map((s) => `${s.resource['service.name']}/${s.name}`).join(', ') || 'none'}`));
    },
    async close() {
      forgetOpenTraces();
      await grpcTransport.close();
      await httpTransport?.close();
    },
  };
}
