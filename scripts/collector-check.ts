// Whether an OTLP collector answers at a URL over the protocol the apps will use, asked the way an
// exporter asks: one export of traces holding no span. The demo checks it before it says where
// the traces are. A port that speaks the other protocol (gRPC sent to an OTLP/HTTP port such as
// 4318, HTTP to a gRPC port such as 4317) is named with the flag that fixes it.
import http from 'node:http';
import http2 from 'node:http2';

type Protocol = 'grpc' | 'http/protobuf' | 'http/json';
const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
// A gRPC message frame: not compressed, 0 bytes long (an empty ExportTraceServiceRequest).
const EMPTY_GRPC_MESSAGE = Buffer.from([0, 0, 0, 0, 0]);
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'TIMEOUT']);

/** What one probe got: an answer in its protocol, or the error that stopped it. */
type Answer = { status: number } | { error: NodeJS.ErrnoException };

/** Resolves when the collector at `url` accepted the empty export over `protocol`; else throws why, in one line. */
export async function checkCollector(url: string, protocol: Protocol, timeoutMs = 3000): Promise<void> {
  const grpc = protocol === 'grpc';
  const answer = grpc ? await grpcExport(url, timeoutMs) : await httpExport(url, protocol, timeoutMs);
  if ('status' in answer) {
    if (grpc && answer.status !== 0) throw new Error(`${url} answers gRPC but refused an OTLP trace export (grpc-status ${answer.status}): is it an OTLP collector?`);
    if (!grpc && answer.status === 404) throw new Error(`${url} answers HTTP but has no ${tracesPath(url)} (404): is it an OTLP/HTTP receiver?`);
    if (!grpc && (answer.status < 200 || answer.status > 299)) throw new Error(`${url} answered an OTLP/HTTP trace export with ${answer.status}`);
    return;
  }
  const { message } = answer.error;
  // http2 wraps a failed connection in the cancelled stream's error.
  const code = (answer.error.cause as NodeJS.ErrnoException | undefined)?.code ?? answer.error.code;
  if (code && CONNECT_FAILURES.has(code)) throw new Error(`nothing answers at ${url} (${code === 'TIMEOUT' ? `no answer within ${timeoutMs / 1000} s` : code}): is your collector running?`);
  // Not a connection failure: the port may speak the other protocol. Asked in that one, it says.
  const other = grpc ? await httpExport(url, 'http/protobuf', timeoutMs) : await grpcExport(url, timeoutMs);
  if (grpc && 'status' in other) {
    throw new Error(`${url} answers HTTP/1.1, not gRPC: an OTLP/HTTP port? add --protocol http/protobuf, or give its gRPC port (4317 by default)`);
  }
  if (!grpc && 'status' in other) {
    throw new Error(`${url} answers gRPC, not HTTP/1.1: an OTLP/gRPC port? leave out --protocol (grpc is the default), or give its OTLP/HTTP port (4318 by default)`);
  }
  throw new Error(`${url} does not answer OTLP over ${protocol} (${message})`);
}

/** An empty trace export over gRPC (HTTP/2 without TLS for http://): its grpc-status, or the error. */
function grpcExport(url: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const session = http2.connect(new URL(url).origin);
    const done = (answer: Answer) => {
      clearTimeout(timer);
      session.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done({ error: Object.assign(new Error('timeout'), { code: 'TIMEOUT' }) }), timeoutMs);
    session.on('error', (error) => done({ error }));
    const request = session.request({ ':method': 'POST', ':path': TRACE_EXPORT, 'content-type': 'application/grpc', te: 'trailers' });
    // grpc-status comes in the trailers, or in the headers of a trailers-only answer.
    const status = (headers: http2.IncomingHttpHeaders) => headers['grpc-status'] !== undefined && done({ status: Number(headers['grpc-status']) });
    request.on('response', status).on('trailers', status).on('error', (error) => done({ error }));
    request.on('end', () => done({ error: Object.assign(new Error('an answer without grpc-status'), { code: 'NO_GRPC_STATUS' }) }));
    request.resume();
    request.end(EMPTY_GRPC_MESSAGE);
  });
}

/** An empty trace export over OTLP/HTTP (POST <url>/v1/traces): the HTTP status, or the error. */
function httpExport(url: string, protocol: Protocol, timeoutMs: number): Promise<Answer> {
  const json = protocol === 'http/json';
  return new Promise((resolve) => {
    const request = http.request(tracesUrl(url), {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      timeout: timeoutMs,
    }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.on('error', (error) => resolve({ error }));
    request.end(json ? '{}' : '');
  });
}

/** Where the OTLP/HTTP trace exporter posts, given OTEL_EXPORTER_OTLP_ENDPOINT: `<url>/v1/traces`. */
function tracesUrl(url: string): URL {
  return new URL(`${url.replace(/\/$/, '')}/v1/traces`);
}

function tracesPath(url: string): string {
  return tracesUrl(url).pathname;
}
