// telemetrygen's trace exports (recorded by otlp-load.ts) sent again flat out: the same bytes a
// target gets from telemetrygen, from a sender that only writes them (about a seventh of a core
// here), so that on two cores the target has one to itself, as beside a real fleet of senders.
import http from 'node:http';
import http2 from 'node:http2';

/** Exports in flight at once: a sender never waits with the target idle. */
export const IN_FLIGHT = 2;

/** Sends `exports` in turn for `seconds`, over OTLP/gRPC or OTLP/HTTP; resolves with the seconds it took, every export answered OK. */
export async function replayExports(exports: Buffer[], transport: 'gRPC' | 'HTTP', port: number, seconds: number): Promise<number> {
  const send = transport === 'gRPC' ? grpcSender(exports, port) : httpSender(exports, port);
  const started = performance.now();
  const until = started + seconds * 1000;
  try {
    // Each in turn: the first loop sends exports 0, 2, 4..., the second 1, 3, 5...
    await Promise.all(Array.from({ length: IN_FLIGHT }, async (_, first) => {
      for (let i = first; performance.now() < until; i += IN_FLIGHT) await send.next(i);
    }));
  } finally {
    send.close();
  }
  return (performance.now() - started) / 1000;
}

interface Sender {
  next(i: number): Promise<void>;
  close(): void;
}

/**
 * TraceService/Export calls on one HTTP/2 connection, each message framed as gRPC frames it (no
 * compression, then its length): written as they are, without grpc-js's client, so that the
 * sender's own work stays out of the way.
 */
function grpcSender(exports: Buffer[], port: number): Sender {
  const frames = exports.map((message) => {
    const header = Buffer.alloc(5);
    header.writeUInt32BE(message.length, 1);
    return Buffer.concat([header, message]);
  });
  const session = http2.connect(`http://127.0.0.1:${port}`);
  let failed: Error | undefined;
  session.on('error', (error) => (failed = error)); // each call then fails with it too
  return {
    next: (i) => new Promise((resolve, fail) => {
      if (failed) return fail(failed);
      const call = session.request({ ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export', 'content-type': 'application/grpc', te: 'trailers' });
      let status: unknown;
      call.on('response', (headers) => (status ??= headers['grpc-status'])).on('trailers', (trailers) => (status ??= trailers['grpc-status']));
      call.on('data', () => {}).on('error', fail).on('end', () => (status === '0' ? resolve() : fail(new Error(`gRPC status ${String(status)}`))));
      call.end(frames[i % frames.length]);
    }),
    close: () => session.close(),
  };
}

/** POST /v1/traces on kept-alive connections. */
function httpSender(exports: Buffer[], port: number): Sender {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  return {
    next: (i) => new Promise((resolve, fail) => {
      const body = exports[i % exports.length];
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (response) => {
        response.resume().on('end', () => (response.statusCode === 200 ? resolve() : fail(new Error(`HTTP ${response.statusCode}`))));
      });
      request.on('error', fail).end(body);
    }),
    close: () => agent.destroy(),
  };
}
