// Whether an OTLP collector answers at a URL over the protocol the apps will use, and which signals
// it takes, asked the way an exporter asks: one export of traces, one of metrics and one of logs,
// each holding nothing. The demo checks it before it says where the traces are. A port that speaks
// the other protocol (gRPC sent to an OTLP/HTTP port such as 4318, HTTP to a gRPC port such as
// 4317) is named with the flag that fixes it. A backend without a signal answers its export as an
// OpenTelemetry Collector without that pipeline does (Jaeger takes traces only): gRPC 12
// UNIMPLEMENTED, OTLP/HTTP 404.
import http from 'node:http';
import http2 from 'node:http2';

type Protocol = 'grpc' | 'http/protobuf' | 'http/json';
type Signal = 'traces' | 'metrics' | 'logs';
const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];
const GRPC_PATHS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};
const GRPC_UNIMPLEMENTED = 12;
// The variable that turns each signal's exporter off in the apps and the client (`none`).
const EXPORTER_VARIABLES: Record<Signal, string> = { traces: 'OTEL_TRACES_EXPORTER', metrics: 'OTEL_METRICS_EXPORTER', logs: 'OTEL_LOGS_EXPORTER' };
// A gRPC message frame: not compressed, 0 bytes long (an empty Export…ServiceRequest).
const EMPTY_GRPC_MESSAGE = Buffer.from([0, 0, 0, 0, 0]);
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'TIMEOUT']);

/** What one probe got: an answer in its protocol, or the error that stopped it. */
type Answer = { status: number } | { error: NodeJS.ErrnoException };

/**
 * Resolves with the signals the collector at `url` takes over `protocol`, traces among them; else
 * throws why, in one line: nothing answers, the other protocol answers, or it takes no traces.
 */
export async function checkCollector(url: string, protocol: Protocol, timeoutMs = 3000): Promise<Signal[]> {
  const grpc = protocol === 'grpc';
  const probe = (signal: Signal) => (grpc ? grpcExport(url, signal, timeoutMs) : httpExport(url, signal, protocol, timeoutMs));
  const traces = await probe('traces');
  if ('error' in traces) throw await unanswered(url, protocol, traces.error, timeoutMs);
  const answers = [traces, await probe('metrics'), await probe('logs')];
  const taken = SIGNALS.filter((signal, i) => {
    const answer = answers[i];
    if ('error' in answer) throw new Error(`${url} did not answer an OTLP export of ${signal} over ${protocol} (${answer.error.message})`);
    if (grpc ? answer.status === 0 : answer.status >= 200 && answer.status <= 299) return true;
    if (grpc ? answer.status === GRPC_UNIMPLEMENTED : answer.status === 404) return false;
    throw new Error(grpc
      ? `${url} answers gRPC but refused an OTLP export of ${signal} (grpc-status ${answer.status}): is it an OTLP collector?`
      : `${url} answered an OTLP/HTTP export of ${signal} with ${answer.status}`);
  });
  const refusal = grpc ? `${GRPC_UNIMPLEMENTED} UNIMPLEMENTED` : '404';
  if (taken.length === 0) {
    throw new Error(grpc
      ? `${url} answers gRPC but takes none of traces, metrics or logs (${refusal} for each): is it an OTLP collector?`
      : `${url} answers HTTP but has none of ${SIGNALS.map((signal) => signalUrl(url, signal).pathname).join(', ')} (404 for each): is it an OTLP/HTTP receiver?`);
  }
  if (!taken.includes('traces')) {
    throw new Error(`${url} takes ${and(taken)} but no traces (${refusal}): the demo shows traces; give it a collector that takes them`);
  }
  return taken;
}

/**
 * What the apps and the client get for each signal the collector does not take: its exporter
 * off, unless the user set that variable (theirs wins, and nothing is said of it); and one line
 * saying so, if any was turned off.
 */
export function exportersOff(url: string, taken: Signal[], userEnv: NodeJS.ProcessEnv): { env: Record<string, string>; line?: string } {
  const off = SIGNALS.filter((signal) => !taken.includes(signal) && !userEnv[EXPORTER_VARIABLES[signal]]?.trim());
  if (off.length === 0) return { env: {} };
  const variables = off.map((signal) => EXPORTER_VARIABLES[signal]);
  return {
    env: Object.fromEntries(variables.map((variable) => [variable, 'none'])),
    line: `your collector at ${url} takes ${and(taken)} only: ${and(off)} are not sent; ${variables.join(' / ')} turn${variables.length > 1 ? '' : 's'} them back on`,
  };
}

/** Nothing answered the trace export: why, in one line, asking in the other protocol whether that one answers. */
async function unanswered(url: string, protocol: Protocol, error: NodeJS.ErrnoException, timeoutMs: number): Promise<Error> {
  const grpc = protocol === 'grpc';
  // http2 wraps a failed connection in the cancelled stream's error.
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.code;
  if (code && CONNECT_FAILURES.has(code)) return new Error(`nothing answers at ${url} (${code === 'TIMEOUT' ? `no answer within ${timeoutMs / 1000} s` : code}): is your collector running?`);
  // Not a connection failure: the port may speak the other protocol. Asked in that one, it says.
  const other = grpc ? await httpExport(url, 'traces', 'http/protobuf', timeoutMs) : await grpcExport(url, 'traces', timeoutMs);
  if (grpc && 'status' in other) {
    return new Error(`${url} answers HTTP/1.1, not gRPC: an OTLP/HTTP port? add --protocol http/protobuf, or give its gRPC port (4317 by default)`);
  }
  if (!grpc && 'status' in other) {
    return new Error(`${url} answers gRPC, not HTTP/1.1: an OTLP/gRPC port? leave out --protocol (grpc is the default), or give its OTLP/HTTP port (4318 by default)`);
  }
  return new Error(`${url} does not answer OTLP over ${protocol} (${error.message})`);
}

/** An empty export of `signal` over gRPC (HTTP/2 without TLS for http://): its grpc-status, or the error. */
function grpcExport(url: string, signal: Signal, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const session = http2.connect(new URL(url).origin);
    const done = (answer: Answer) => {
      clearTimeout(timer);
      session.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done({ error: Object.assign(new Error('timeout'), { code: 'TIMEOUT' }) }), timeoutMs);
    session.on('error', (error) => done({ error }));
    const request = session.request({ ':method': 'POST', ':path': GRPC_PATHS[signal], 'content-type': 'application/grpc', te: 'trailers' });
    // grpc-status comes in the trailers, or in the headers of a trailers-only answer.
    const status = (headers: http2.IncomingHttpHeaders) => headers['grpc-status'] !== undefined && done({ status: Number(headers['grpc-status']) });
    request.on('response', status).on('trailers', status).on('error', (error) => done({ error }));
    request.on('end', () => done({ error: Object.assign(new Error('an answer without grpc-status'), { code: 'NO_GRPC_STATUS' }) }));
    request.resume();
    request.end(EMPTY_GRPC_MESSAGE);
  });
}

/** An empty export of `signal` over OTLP/HTTP (POST <url>/v1/<signal>): the HTTP status, or the error. */
function httpExport(url: string, signal: Signal, protocol: Protocol, timeoutMs: number): Promise<Answer> {
  const json = protocol === 'http/json';
  return new Promise((resolve) => {
    const request = http.request(signalUrl(url, signal), {
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

/** Where the OTLP/HTTP exporter of `signal` posts, given OTEL_EXPORTER_OTLP_ENDPOINT: `<url>/v1/<signal>`. */
function signalUrl(url: string, signal: Signal): URL {
  return new URL(`${url.replace(/\/$/, '')}/v1/${signal}`);
}

/** `a`, `a and b`, `a, b and c`. */
function and(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0];
}
