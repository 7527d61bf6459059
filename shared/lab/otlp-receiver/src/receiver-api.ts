import type { ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from '@repo/trace-model';
import type { Signal } from './signals';
import type { OnTrace } from './trace-collector';

// The receiver's public types: what startReceiver (receiver.ts) takes and gives.

export interface ReceiverOptions {
  /** OTLP/gRPC port (traces, metrics and logs). Default 4317; 0 takes a free one. */
  grpcPort?: number;
  /** OTLP/HTTP port (protobuf and JSON on /v1/traces, /v1/metrics, /v1/logs). Default 4318; 0 takes a free one; null: none. */
  httpPort?: number | null;
  /** Default `localhost`. */
  host?: string;
  /** Spans kept for `spans()`; past it the oldest go, and are counted as dropped. Default 100,000. */
  maxSpans?: number;
  /** Metric data points kept for `metrics()`, likewise. Default 100,000. */
  maxMetricPoints?: number;
  /** Log records kept for `logs()`, likewise. Default 100,000. */
  maxLogRecords?: number;
  /**
   * Bytes of each signal's items kept, as encoded when received (each item counts its share of its
   * export's bytes); past it the oldest go, counted as dropped. Default 64 MiB.
   */
  maxBytes?: number;
  /** Largest request body or gRPC message accepted, in bytes. Default 8 MiB. */
  maxMessageBytes?: number;
  /** A trace counts as finished when none of its spans arrived for this long. Default 500 ms. */
  traceIdleMs?: number;
  /**
   * Called with each finished trace's spans, e.g. to print it; and again with the whole trace when
   * spans of it arrive after that (`late`: how many), so that none is lost to a slow exporter.
   */
  onTrace?: OnTrace;
  /**
   * Asked once for each trace when its first span comes (given onTrace): false leaves the trace out
   * of onTrace, its spans kept all the same. For a caller that shows only some traces, e.g. so many
   * a second, so that the others cost no grouping. Default: every trace.
   */
  followTrace?: (traceId: string) => boolean;
  /** Called with the points of each metrics export kept, e.g. to print them. */
  onMetrics?: (points: ReceivedMetricPoint[]) => void;
  /** Called with the records of each logs export kept. */
  onLogs?: (records: ReceivedLogRecord[]) => void;
  /** Called with a readable line for each rejected export. Default: console.error. */
  onReject?: (message: string) => void;
  /**
   * The signals it takes: an export of another is answered as a collector without that signal
   * (Jaeger, say, which takes traces only) answers it: gRPC 12 UNIMPLEMENTED, HTTP 404. Default all three.
   */
  signals?: readonly Signal[];
  /** Holds each export this long before answering: a slow collector, for tests. Default 0. */
  delayMs?: number;
  /**
   * Answers gRPC trace exports without decoding them, and decodes what it kept at the next spans()
   * or stats(): for the benchmark, where decoding would compete with the apps for the CPU. Traces
   * only: metrics and logs, and anything over HTTP, are decoded as they come.
   */
  decodeLater?: boolean;
}

export interface ReceiverStats {
  /** Trace exports kept, spans in them, spans dropped for maxSpans. */
  exports: number;
  spans: number;
  dropped: number;
  /** Exports refused, of any signal. */
  rejected: number;
  metricExports: number;
  metricPoints: number;
  droppedMetricPoints: number;
  logExports: number;
  logRecords: number;
  droppedLogRecords: number;
}

/** What a receiver keeps at most: its options' values, or their defaults. */
export interface ReceiverLimits {
  maxSpans: number;
  maxMetricPoints: number;
  maxLogRecords: number;
  maxBytes: number;
}

export interface Receiver {
  readonly limits: ReceiverLimits;
  readonly grpcPort: number;
  readonly httpPort: number | null;
  /** Where an OTLP/gRPC exporter should send: `http://<host>:<grpcPort>`, an IPv6 host in brackets. */
  readonly grpcEndpoint: string;
  /** The spans received and kept so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** The metric data points received and kept so far, in arrival order: one per point, with its metric. */
  metrics(): ReceivedMetricPoint[];
  /** The log records received and kept so far, in arrival order. */
  logs(): ReceivedLogRecord[];
  /** Resolves with all spans once `until` holds for them; rejects after `timeoutMs` (default 10 s). */
  waitForSpans(until: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves with all metric points once `until` holds for them; rejects after `timeoutMs` (default 10 s). */
  waitForMetrics(until: (points: ReceivedMetricPoint[]) => boolean, timeoutMs?: number): Promise<ReceivedMetricPoint[]>;
  /** Resolves with all log records once `until` holds for them; rejects after `timeoutMs` (default 10 s). */
  waitForLogs(until: (records: ReceivedLogRecord[]) => boolean, timeoutMs?: number): Promise<ReceivedLogRecord[]>;
  /** Calls `listener` after each export of any signal is kept (decoded or not), e.g. to update a view; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  stats(): ReceiverStats;
  /** Forgets everything kept or not yet decoded, of every signal, zeroes the stats, and drops the traces still open (no onTrace for them). */
  clear(): void;
  close(): Promise<void>;
}
