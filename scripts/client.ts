// `npm run client -- <param> [--app <app>|all] [--port N]` (--help): the
// counterpart of the Python original's client.py. For each app, a span `client` and inside it
// `client-server` (in the original of no kind, INTERNAL; here CLIENT, as the HTTP semantic
// conventions ask of an outgoing request), which sends GET /server_request?param=<param> with the
// W3C trace context in its headers, so the app's SERVER span continues the client's trace.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { APP_NAMES, type AppName, APPS } from '@repo/app-catalogue';
import { parsePort } from '@repo/server-lifecycle';
import { withSharedEnv } from '@repo/telemetry/settings';
import { checkAppSettings, orExit, readCommandLine } from './command-line.ts';

const ANSWER_TIMEOUT_MS = 10_000;

const { positionals, values } = readCommandLine({
  command: 'client',
  summary: 'The counterpart of the original\'s client.py: for each app, a span `client` and in it `client-server` (here a CLIENT span), which sends GET /server_request?param=<param> with the trace context.',
  positionals: { name: '<param>', help: 'the value of ?param= in the request', required: true },
  options: {
    app: { type: 'string', default: 'all', value: `${APP_NAMES.join('|')}|all`, help: 'the app to call' },
    port: { type: 'string', value: 'N', help: `the port of that one app (default its own: ${APP_NAMES.map((app) => APPS[app].defaultPort).join(', ')})` },
  },
});
const targets = orExit('client', 2, (): { app: AppName; url: URL }[] => {
  const apps = values.app === 'all' ? [...APP_NAMES] : APP_NAMES.filter((name) => name === values.app);
  if (apps.length === 0) throw new Error(`--app "${values.app}" is not one of ${APP_NAMES.join(', ')}, all`);
  if (values.port !== undefined && apps.length > 1) throw new Error('--port goes with one --app');
  const port = values.port === undefined ? undefined : parsePort(values.port, '--port');
  return apps.map((app) => {
    const url = new URL(`http://localhost:${port ?? APPS[app].defaultPort}/server_request`);
    url.searchParams.set('param', positionals[0]);
    return { app, url };
  });
});
// The apps' settings (otel.env) under the caller's OTEL_* variables, read by NodeSDK as in the
// apps; a setting it cannot use: one line, exit 1; the apps' concise diagnostics.
checkAppSettings('client', process.env);
Object.assign(process.env, withSharedEnv({ OTEL_SERVICE_NAME: 'client', ...process.env }));
await import('@repo/telemetry/concise-diagnostics');
// Spans only: the client records no metric and writes no log.
const sdk = new NodeSDK({ metricReaders: [], logRecordProcessors: [] });
// Registers the tracer provider, and the W3C propagator and context manager that inject() uses.
sdk.start();
const tracer = trace.getTracer('otel-three-ways-client');

let failed = 0;
for (const { app, url } of targets) {
  // The original's outer span: the client's own work, with the request inside it.
  const line = await tracer.startActiveSpan('client', (client) => callApp(url).finally(() => client.end()));
  console.log(`client: GET ${url} -> ${line.text} · trace ${line.traceId}`);
  if (line.why) {
    failed += 1;
    console.error(`client: ${app} ${line.why}`);
  }
}
// Exports every span before the process ends, failed requests' included. A failed export has
// been reported in one line by the outage reporter already.
const exported = await sdk.shutdown().then(() => true, () => false);
process.exitCode = failed || !exported ? 1 : 0;

/** What to print: the answer, the trace, and why it failed if it did. */
interface Result {
  text: string;
  traceId: string;
  why?: string;
}

/** One GET in a CLIENT span with the HTTP client semantic-convention attributes. */
function callApp(url: URL): Promise<Result> {
  const attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: 'GET',
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: Number(url.port),
    [ATTR_URL_FULL]: url.href,
  };
  return tracer.startActiveSpan('client-server', { kind: SpanKind.CLIENT, attributes }, async (span): Promise<Result> => {
    const traceId = span.spanContext().traceId;
    // The W3C traceparent (and tracestate) of this span, so the server continues this trace.
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
      const body = await response.text();
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      // For a client every 4xx and 5xx is an error (for a server only 5xx).
      if (response.status >= 400) return failure(span, String(response.status), `${response.status} ${body}`, `answered ${response.status}`, traceId);
      return { text: `${response.status} ${body}`, traceId };
    } catch (error) {
      const cause = ((error as Error).cause as Error | undefined) ?? (error as Error);
      span.recordException(cause);
      const why = cause.name === 'TimeoutError' ? `did not answer within ${ANSWER_TIMEOUT_MS / 1000} s` : `did not answer (${cause.message})`;
      return failure(span, (cause as NodeJS.ErrnoException).code ?? cause.name, 'no answer', `at ${url.origin} ${why}`, traceId);
    } finally {
      span.end();
    }
  });
}

function failure(span: Span, errorType: string, text: string, why: string, traceId: string): Result {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
  return { text, traceId, why };
}
