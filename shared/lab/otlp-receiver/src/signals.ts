import type { ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from '@repo/trace-model';
import type { ExportFormat } from './kept-exports';
import type { OtlpCodec } from './otlp-codec';
import { logCodec } from './otlp-logs';
import { metricCodec } from './otlp-metrics';
import { traceCodec } from './otlp-traces';

/** The three OTLP signals, named as in their OTLP/HTTP paths (/v1/traces, /v1/metrics, /v1/logs). */
export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];

/** What one export of each signal decodes to. */
export interface SignalItems {
  traces: ReceivedSpan[];
  metrics: ReceivedMetricPoint[];
  logs: ReceivedLogRecord[];
}

/** One decoded export: its signal, its items, and its bytes as encoded (after any gunzip). */
export type Decoded = { [S in Signal]: { signal: S; items: SignalItems[S]; payload: Buffer; format: ExportFormat } }[Signal];

export const CODECS: { [S in Signal]: OtlpCodec<SignalItems[S][number]> } = { traces: traceCodec, metrics: metricCodec, logs: logCodec };

/** Decodes an export of `signal`, protobuf or JSON. */
export function decode(signal: Signal, payload: Buffer, format: ExportFormat): Decoded {
  return { signal, items: decodeItems(signal, payload, format), payload, format } as Decoded;
}

/** The items of an export of `signal`, protobuf or JSON. */
export function decodeItems<S extends Signal>(signal: S, payload: Buffer, format: ExportFormat): SignalItems[S] {
  const codec: OtlpCodec<unknown> = CODECS[signal];
  return (format === 'json' ? codec.decodeJson(payload.toString('utf8')) : codec.decodeProtobuf(payload)) as SignalItems[S];
}
