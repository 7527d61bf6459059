import * as grpc from '@grpc/grpc-js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  decodeJsonRequest,
  decodeProtobufRequest,
  emptyExportResponse,
  OtlpDecodeError,
  traceServiceDefinition,
  type ReceivedSpan,
} from './otlp';

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
  /** Called with each finished trace's spans, e.g. to print it. */
  onTrace?: (spans: ReceivedSpan[]) => void;
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
  /** Where an OTLP/gRPC exporter should send: `http://localhost:<grpcPort>`. */
  readonly grpcEndpoint: string;
  /** The spans received and kept so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Resolves with all spans once `until` holds for them; rejects after `timeoutMs` (default 10 s). */
  waitForSpans(until: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  stats(): ReceiverStats;
  clear(): void;
  close(): Promise<void>;
}

/** The port a receiver wanted is taken, or could not be bound. */
export class ReceiverListenError extends Error {
  override name = 'ReceiverListenError';
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
  const waiters = new Set<() => void>();
  const openTraces = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout }>();
  let undecoded: Buffer[] = [];

  function decodeKept(): void {
    const kept = undecoded;
    undecoded = [];
    for (const bytes of kept) {
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
    for (const check of waiters) check();
  }

  function collectTraces(spans: ReceivedSpan[], onTrace: (spans: ReceivedSpan[]) => void): void {
    for (const span of spans) {
      const open = openTraces.get(span.traceId) ?? { spans: [], timer: undefined as unknown as NodeJS.Timeout };
      clearTimeout(open.timer);
      open.spans.push(span);
      open.timer = setTimeout(() => {
        openTraces.delete(span.traceId);
        onTrace(open.spans);
      }, traceIdleMs);
      openTraces.set(span.traceId, open);
    }
  }

  function reject(transport: string, reason: string): void {
    stats.rejected += 1;
    onReject(`otlp-receiver: rejected an ${transport} export: ${reason}`);
  }

  const grpcServer = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    // Sees every status sent, also those grpc-js sends itself (a message over the size limit).
    interceptors: [
      (_method, call) =>
        new grpc.ServerInterceptingCall(call, {
          sendStatus(status, next) {
            if (status.code !== grpc.status.OK) reject('OTLP/gRPC', `${grpc.status[status.code]}: ${status.details}`);
            next(status);
          },
        }),
    ],
  });
  grpcServer.addService(traceServiceDefinition, {
    async Export(call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (options.decodeLater) {
        undecoded.push(call.request);
        callback(null, {});
        return;
      }
      let spans;
      try {
        spans = decodeProtobufRequest(call.request);
      } catch (error) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: describe(error) });
        return;
      }
      await delay();
      accept(spans);
      callback(null, {});
    },
  });
  const grpcPort = await new Promise<number>((resolve, fail) => {
    grpcServer.bindAsync(`${host}:${options.grpcPort ?? 4317}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? fail(listenError('OTLP/gRPC', options.grpcPort ?? 4317, error)) : resolve(port),
    );
  });

  let httpServer: http.Server | null = null;
  if (options.httpPort !== null) {
    httpServer = http.createServer((req, res) => handleHttp(req, res));
    try {
      await new Promise<void>((resolve, fail) => {
        httpServer!.once('error', fail).listen(options.httpPort ?? 4318, host, () => resolve());
      });
    } catch (error) {
      grpcServer.forceShutdown();
      throw listenError('OTLP/HTTP', options.httpPort ?? 4318, error as Error);
    }
  }

  function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const reply = (status: number, type: string, body: string | Buffer) =>
      res.writeHead(status, { 'content-type': type }).end(body);
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/traces') {
      reply(404, 'text/plain', 'this receiver takes traces only: POST /v1/traces\n');
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== 'application/x-protobuf' && type !== 'application/json') {
      reply(415, 'text/plain', 'content-type must be application/x-protobuf or application/json\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxMessageBytes) {
        reject('OTLP/HTTP', `body over ${maxMessageBytes} bytes`);
        reply(413, 'text/plain', `body over ${maxMessageBytes} bytes\n`);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', async () => {
      if (res.headersSent) return;
      let spans;
      try {
        let body: Buffer = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzip(body, maxMessageBytes);
        spans = type === 'application/json' ? decodeJsonRequest(body.toString('utf8')) : decodeProtobufRequest(body);
      } catch (error) {
        reject(`OTLP/HTTP ${type === 'application/json' ? 'JSON' : 'protobuf'}`, describe(error));
        // OTLP/HTTP: 400 means "do not retry this payload"; the body says why.
        reply(400, 'text/plain', `${describe(error)}\n`);
        return;
      }
      await delay();
      accept(spans);
      if (type === 'application/json') reply(200, 'application/json', '{}');
      else reply(200, 'application/x-protobuf', emptyExportResponse);
    });
  }

  const httpPort = httpServer ? (httpServer.address() as AddressInfo).port : null;

  return {
    grpcPort,
    httpPort,
    grpcEndpoint: `http://localhost:${grpcPort}`,
    spans: () => {
      decodeKept();
      return [...kept];
    },
    stats: () => {
      decodeKept();
      return { ...stats };
    },
    clear() {
      kept = [];
      undecoded = [];
    },
    waitForSpans(until, timeoutMs = 10_000) {
      return new Promise((resolve, fail) => {
        const check = () => {
          if (!until(kept)) return;
          done();
          resolve([...kept]);
        };
        const timer = setTimeout(() => {
          done();
          fail(new Error(`timed out after ${timeoutMs} ms waiting for spans; received ${kept.length}: ${
            kept.map((s) => `${s.resource['service.name']}/${s.name}`).join(', ') || 'none'}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const { timer } of openTraces.values()) clearTimeout(timer);
      openTraces.clear();
      // A collector that stops drops its connections: exporters see it go away at once.
      grpcServer.forceShutdown();
      if (httpServer) {
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer!.close(() => resolve()));
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof OtlpDecodeError ? error.message : `unexpected error: ${String(error)}`;
}

function gunzip(body: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new OtlpDecodeError(`content-encoding gzip, but the body does not gunzip: ${(error as Error).message}`);
  }
}

function listenError(transport: string, port: number, error: Error): ReceiverListenError {
  const taken = /EADDRINUSE|address already in use|No address added/i.test(`${(error as NodeJS.ErrnoException).code} ${error.message}`);
  return new ReceiverListenError(
    taken
      ? `${transport} port ${port} is already in use (another collector or receiver running?); stop it or choose another port`
      : `${transport} cannot listen on port ${port}: ${error.message}`,
  );
}
