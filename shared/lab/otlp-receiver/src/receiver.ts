import { ConditionWaiters } from '@repo/condition-waiters';
import { serviceOf, showValue } from '@repo/trace-model';
import { KeptExports } from './kept-exports';
import type { Receiver, ReceiverOptions } from './receiver-api';
import { decode, decodeItems, type Decoded, type Signal, type SignalItems } from './signals';
import { TraceCollector } from './trace-collector';
import { describe, startGrpcTransport, startHttpTransport, urlHost, type Transport } from './transports';

export type { Receiver, ReceiverLimits, ReceiverOptions, ReceiverStats } from './receiver-api';
export { ReceiverListenError } from './transports';

/**
 * Listens for OTLP exports of traces, metrics and logs (gRPC, and HTTP protobuf or JSON) and keeps
 * what they hold, each signal within its own bound.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const host = options.host ?? 'localhost';
  const maxMessageBytes = options.maxMessageBytes ?? 8 * 1024 * 1024;
  const onReject = options.onReject ?? ((message: string) => console.error(message));
  const delay = async () => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  };

  const limits = {
    maxSpans: options.maxSpans ?? 100_000,
    maxMetricPoints: options.maxMetricPoints ?? 100_000,
    maxLogRecords: options.maxLogRecords ?? 100_000,
    maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
  };
  const kept: { [S in Signal]: KeptExports<SignalItems[S][number]> } = {
    traces: new KeptExports((payload, format) => decodeItems('traces', payload, format), limits.maxSpans, limits.maxBytes),
    metrics: new KeptExports((payload, format) => decodeItems('metrics', payload, format), limits.maxMetricPoints, limits.maxBytes),
    logs: new KeptExports((payload, format) => decodeItems('logs', payload, format), limits.maxLogRecords, limits.maxBytes),
  };
  let rejected = 0;
  // The waitFor... checks and subscribe's listeners, called after each kept export.
  const waiters = new ConditionWaiters();
  // As many spans wait in open traces as are kept, at most: mostly the same ones, the newest.
  const traces = options.onTrace ? new TraceCollector(options.traceIdleMs ?? 500, options.onTrace, limits.maxSpans, options.followTrace) : undefined;
  let undecoded: Buffer[] = [];

  // Without notifying: each export was announced when it was kept undecoded.
  function decodeKept(): void {
    const pending = undecoded;
    undecoded = [];
    for (const bytes of pending) {
      try {
        accept(decode('traces', bytes, 'protobuf'));
      } catch (error) {
        reject('OTLP/gRPC', describe(error), 'traces');
      }
    }
  }

  // What each export holds is kept as received, and decoded again when read (KeptExports says why).
  function accept(decoded: Decoded): void {
    kept[decoded.signal].add(decoded.payload, decoded.format, decoded.items.length);
    if (decoded.signal === 'traces') traces?.add(decoded.items);
    else if (decoded.signal === 'metrics') options.onMetrics?.(decoded.items);
    else options.onLogs?.(decoded.items);
  }

  function reject(transport: string, reason: string, signal?: Signal): void {
    rejected += 1;
    onReject(`otlp-receiver: rejected an ${transport} export${signal ? ` of ${signal}` : ''}: ${reason}`);
  }

  /** Resolves once `until` holds for the signal's items; on timeout, says what did come (`name` for each item). */
  function waitFor<S extends Signal>(signal: S, until: (items: SignalItems[S]) => boolean, timeoutMs: number, what: string, name: (item: SignalItems[S][number]) => string) {
    const test = () => {
      if (signal === 'traces') decodeKept();
      const items = kept[signal].items as SignalItems[S];
      return until(items) ? items : undefined;
    };
    return waiters.waitFor(test, timeoutMs, () => {
      const items = kept[signal].items as SignalItems[S][number][];
      return new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${items.length}: ${summary(items.map(name))}`);
    });
  }

  const sink = {
    accept: async (decoded: Decoded) => {
      await delay();
      accept(decoded);
      waiters.changed();
    },
    keepUndecoded: options.decodeLater
      ? (bytes: Buffer) => {
          undecoded.push(bytes);
          waiters.changed();
        }
      : undefined,
    reject,
  };
  const grpcTransport = await startGrpcTransport(host, options.grpcPort ?? 4317, maxMessageBytes, sink, options.signals);
  let httpTransport: Transport | null = null;
  if (options.httpPort !== null) {
    try {
      httpTransport = await startHttpTransport(host, options.httpPort ?? 4318, maxMessageBytes, sink, options.signals);
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
    limits,
    spans: () => {
      decodeKept();
      return kept.traces.items;
    },
    metrics: () => kept.metrics.items,
    logs: () => kept.logs.items,
    stats: () => {
      decodeKept();
      const { traces: t, metrics: m, logs: l } = kept;
      return {
        exports: t.exports, spans: t.received, dropped: t.dropped, rejected,
        metricExports: m.exports, metricPoints: m.received, droppedMetricPoints: m.dropped,
        logExports: l.exports, logRecords: l.received, droppedLogRecords: l.dropped,
      };
    },
    subscribe: (listener) => waiters.subscribe(listener),
    clear() {
      for (const items of Object.values(kept)) items.clear();
      undecoded = [];
      rejected = 0;
      traces?.clear();
    },
    waitForSpans: (until, timeoutMs = 10_000) =>
      waitFor('traces', until, timeoutMs, 'spans', (s) => `${s.resource['service.name']}/${s.name}`),
    waitForMetrics: (until, timeoutMs = 10_000) =>
      waitFor('metrics', until, timeoutMs, 'metric points', (p) => `${serviceOf(p)}/${p.name}`),
    waitForLogs: (until, timeoutMs = 10_000) =>
      waitFor('logs', until, timeoutMs, 'log records', (r) => `${serviceOf(r)}/${showValue(r.body).slice(0, 40)}`),
    async close() {
      // The traces still waiting for their idle time are complete as far as they will ever be.
      traces?.flush();
      await grpcTransport.close();
      await httpTransport?.close();
    },
  };
}

/** Names as `a (×3), b`, the first 20 distinct ones: a timeout's message says what did come, in one line. */
function summary(names: string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const shown = [...counts].slice(0, 20).map(([name, n]) => (n > 1 ? `${name} (×${n})` : name));
  if (counts.size > 20) shown.push(`${counts.size - 20} more`);
  return shown.join(', ') || 'none';
}
