import * as grpc from '@grpc/grpc-js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { OtlpDecodeError } from './otlp-common';
import { CODECS, decode, SIGNALS, type Decoded, type Signal } from './signals';

/** The port a receiver wanted is taken, or could not be bound. */
export class ReceiverListenError extends Error {
  override name = 'ReceiverListenError';
}

/** Where the transports hand what they receive. */
export interface ExportSink {
  /** Takes a decoded export of any signal; resolves when the sender may be answered. */
  accept(decoded: Decoded): Promise<void>;
  /** Takes a gRPC trace export's bytes undecoded, if the receiver decodes later; else undefined. */
  keepUndecoded?: (bytes: Buffer) => void;
  /** `signal` when known: a gRPC call to no OTLP service, say, has none. */
  reject(transport: string, reason: string, signal?: Signal): void;
}

export interface Transport {
  port: number;
  close(): Promise<void>;
}

// Each signal's gRPC method path (/opentelemetry.proto.collector.<signal>.v1.<Service>/Export) and HTTP path.
const GRPC_PATHS = new Map(SIGNALS.map((signal) => [CODECS[signal].grpcService.Export.path, signal]));
const HTTP_PATHS = new Map(SIGNALS.map((signal) => [`/v1/${signal}`, signal]));

/**
 * For a command that says a port in use in one line of its own (listenError): grpc-js logs that
 * bind's failure first ("E No address added out of total 1 resolved"); this leaves that line out,
 * for the whole process, and writes every other to stderr as grpc-js's own logger does.
 */
export function leaveOutGrpcBindErrors(): void {
  grpc.setLogger({
    error: (message: string, ...rest: unknown[]) => {
      if (!String(message).startsWith('No address added')) console.error(`E ${message}`, ...rest);
    },
    info: (message: string, ...rest: unknown[]) => console.error(`I ${message}`, ...rest),
    debug: (message: string, ...rest: unknown[]) => console.error(`D ${message}`, ...rest),
  });
}

/** OTLP/gRPC on host:port: the Export method of TraceService, MetricsService and LogsService, those of `signals`. */
export async function startGrpcTransport(host: string, port: number, maxMessageBytes: number, sink: ExportSink, signals: readonly Signal[] = SIGNALS): Promise<Transport> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    // Sees every status sent, also those grpc-js sends itself (a message over the size limit).
    interceptors: [
      (method, call) =>
        new grpc.ServerInterceptingCall(call, {
          sendStatus(status, next) {
            if (status.code !== grpc.status.OK) sink.reject('OTLP/gRPC', `${grpc.status[status.code]}: ${status.details}`, GRPC_PATHS.get(method.path));
            next(status);
          },
        }),
    ],
  });
  // A service not added is answered as a collector without that signal answers: 12 UNIMPLEMENTED.
  for (const signal of signals) {
    server.addService(CODECS[signal].grpcService, {
      async Export(call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) {
        // The benchmark's mode: traces only, the one signal it sends.
        if (signal === 'traces' && sink.keepUndecoded) {
          sink.keepUndecoded(call.request);
          callback(null, {});
          return;
        }
        let decoded;
        try {
          decoded = decode(signal, call.request, 'protobuf');
        } catch (error) {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: describe(error) });
          return;
        }
        try {
          await sink.accept(decoded);
        } catch (error) {
          callback({ code: grpc.status.INTERNAL, details: `kept, but a listener failed: ${describe(error)}` });
          return;
        }
        callback(null, {});
      },
    });
  }
  const bound = await new Promise<number>((resolve, fail) => {
    server.bindAsync(`${urlHost(host)}:${port}`, grpc.ServerCredentials.createInsecure(), (error, actual) =>
      error ? fail(listenError('OTLP/gRPC', port, error)) : resolve(actual),
    );
  });
  return {
    port: bound,
    // A collector that stops drops its connections: exporters see it go away at once.
    close: async () => server.forceShutdown(),
  };
}

/** OTLP/HTTP on host:port: POST /v1/traces, /v1/metrics and /v1/logs (those of `signals`), protobuf or JSON, optionally gzipped. */
export async function startHttpTransport(host: string, port: number, maxMessageBytes: number, sink: ExportSink, signals: readonly Signal[] = SIGNALS): Promise<Transport> {
  const paths = signals.map((signal) => `/v1/${signal}`);
  const server = http.createServer((req, res) => {
    const reply = (status: number, type: string, body: string | Buffer) =>
      res.writeHead(status, { 'content-type': type }).end(body);
    const signal = HTTP_PATHS.get(req.url?.split('?')[0] ?? '');
    if (req.method !== 'POST' || !signal || !signals.includes(signal)) {
      reply(404, 'text/plain', `this receiver takes OTLP exports only: POST ${paths.slice(0, -1).join(', ')}${paths.length > 1 ? ' or ' : ''}${paths.at(-1)}\n`);
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== 'application/x-protobuf' && type !== 'application/json') {
      reply(415, 'text/plain', 'content-type must be application/x-protobuf or application/json\n');
      return;
    }
    const format = type === 'application/json' ? 'json' : 'protobuf';
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (res.headersSent) return; // refused already: the rest is read and dropped
      size += chunk.length;
      if (size > maxMessageBytes) {
        sink.reject('OTLP/HTTP', `body over ${maxMessageBytes} bytes`, signal);
        // Answered at once, and the connection closed after it, so that the sender reads the 413
        // rather than a reset; nothing more of the body is kept.
        res.setHeader('Connection', 'close');
        reply(413, 'text/plain', `body over ${maxMessageBytes} bytes\n`);
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.on('end', async () => {
      if (res.headersSent) return;
      let decoded;
      try {
        let body: Buffer = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzip(body, maxMessageBytes);
        decoded = decode(signal, body, format);
      } catch (error) {
        sink.reject(`OTLP/HTTP ${format === 'json' ? 'JSON' : 'protobuf'}`, describe(error), signal);
        // OTLP/HTTP: 400 means "do not retry this payload"; the body says why.
        reply(400, 'text/plain', `${describe(error)}\n`);
        return;
      }
      try {
        await sink.accept(decoded);
      } catch (error) {
        // A caller's onTrace, onMetrics or onLogs failed: the export was taken, the sender is told.
        sink.reject(`OTLP/HTTP ${format === 'json' ? 'JSON' : 'protobuf'}`, `kept, but a listener failed: ${describe(error)}`, signal);
        reply(500, 'text/plain', `${describe(error)}\n`);
        return;
      }
      if (format === 'json') reply(200, 'application/json', '{}');
      else reply(200, 'application/x-protobuf', CODECS[signal].emptyResponse);
    });
  });
  try {
    await new Promise<void>((resolve, fail) => {
      server.once('error', fail).listen(port, host, () => resolve());
    });
  } catch (error) {
    throw listenError('OTLP/HTTP', port, error as Error);
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The host as it goes in a URL or a gRPC address: an IPv6 literal in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function describe(error: unknown): string {
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
