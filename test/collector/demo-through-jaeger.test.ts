// `npm run demo -- --collector` sent to a real Jaeger (`npm run jaeger`, v2, built from its Go
// module), over OTLP/gRPC and over OTLP/HTTP protobuf, and each app's traces read back through
// Jaeger's own query API, as its UI reads them. Jaeger takes traces only: the demo turns the apps'
// metrics and logs off and says so, and no app reports a failed export.
import { APP_NAMES, APPS, type AppName } from '@repo/app-catalogue';
import { startTool, type ToolProcess } from '@repo/app-process';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/local-ports.ts';
import { clientRequestProblems, errorRequestProblems, serverSpan, tag, tracesOf, type JaegerTrace } from './jaeger-traces.ts';

interface Run {
  /** Each app's traces in Jaeger: the client's request (by the id the client printed) and the one to /error. */
  traces: Record<AppName, { request: JaegerTrace; error: JaegerTrace }>;
  grpcUrl: string;
  httpUrl: string;
  output: string;
  /** What Jaeger serves where its UI would be. */
  uiPage: string;
}

/** The demo sent to Jaeger, and `/error` asked of each app; what Jaeger's query API gives, and the demo's output once stopped. */
async function demoThroughJaeger(protocol: 'grpc' | 'http/protobuf'): Promise<Run> {
  const [grpcPort, httpPort, queryPort, queryGrpcPort] = await freePorts(4);
  const jaeger = startTool('collector/jaeger.ts', [], {
    JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpcPort}`, JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`,
    JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${queryPort}`, JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${queryGrpcPort}`,
  });
  const queryUrl = `http://127.0.0.1:${queryPort}`;
  const [grpcUrl, httpUrl] = [`http://127.0.0.1:${grpcPort}`, `http://127.0.0.1:${httpPort}`];
  let demo: ToolProcess | undefined;
  try {
    await jaeger.waitForOutput(/Everything is ready/, 30_000);
    demo = startTool('demo.ts', ['--free-ports', '--collector', protocol === 'grpc' ? grpcUrl : httpUrl, '--protocol', protocol], { FORCE_COLOR: '0' });
    await demo.waitForOutput(/^demo: the first export has landed/m, 60_000);
    const traces = {} as Run['traces'];
    for (const name of APP_NAMES) {
      const [, origin, traceId] = new RegExp(`GET (http://localhost:\\d+)/server_request\\?param=${name} -> 200 served · trace ([0-9a-f]{32})`).exec(demo.output())!;
      // Without trace context: the SERVER span is its trace's root.
      expect((await fetch(`${origin}/error`)).status).toBe(500);
      const isError = (trace: JaegerTrace) => tag(serverSpan(trace, name) ?? trace.spans[0], 'http.route') === '/error';
      // The demo's batch delay is 500 ms: both traces are there within seconds.
      const found = await tracesOf(queryUrl, APPS[name].serviceName, (all) => all.some((trace) => trace.traceID === traceId) && all.some(isError));
      traces[name] = { request: found.find((trace) => trace.traceID === traceId)!, error: found.find(isError)! };
    }
    const uiPage = await (await fetch(`${queryUrl}/`)).text();
    expect(await demo.stop('SIGINT')).toBe(0);
    return { traces, grpcUrl, httpUrl, output: demo.output(), uiPage };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- demo:\n${demo?.output()}\n--- jaeger:\n${jaeger.output()}`);
  } finally {
    await demo?.stop('SIGINT');
    await jaeger.stop('SIGTERM');
  }
}

describe.each(['grpc', 'http/protobuf'] as const)('the demo sent to a real Jaeger over %s, read back through its query API', (protocol) => {
  let run: Run;
  beforeAll(async () => {
    run = await demoThroughJaeger(protocol);
  }, 120_000);

  it('the demo says in one line that Jaeger takes traces only, and not one app or client line reports a failed export, to the last flush', () => {
    const url = protocol === 'grpc' ? run.grpcUrl : run.httpUrl;
    expect(run.output).toContain(`\ndemo: your collector at ${url} takes traces only: metrics and logs are not sent; OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER turn them back on\n`);
    // (The /error requests log their error: not a failure of the telemetry.)
    expect(run.output).not.toMatch(/export failed|not delivered|UNIMPLEMENTED/);
  });

  it('built from its Go module, Jaeger serves a placeholder page where its UI would be: its query API is what shows the traces', () => {
    expect(run.uiPage).toContain('you are running a binary that was not compiled with the UI assets');
  });

  it('every span starts on a whole millisecond there, not every duration is whole (the JavaScript SDK\'s clock), and Jaeger warns of clock skew on exactly the spans whose times stick out of their parent\'s', () => {
    const traces = APP_NAMES.flatMap((name) => [run.traces[name].request, run.traces[name].error]);
    const spans = traces.flatMap((trace) => trace.spans);
    expect(spans.filter((span) => span.startTime % 1000 !== 0)).toEqual([]);
    expect(spans.some((span) => span.duration % 1000 !== 0)).toBe(true);
    for (const trace of traces) {
      for (const span of trace.spans) {
        const parent = trace.spans.find((candidate) => span.references.some((reference) => reference.spanID === candidate.spanID));
        if (!parent) continue;
        // Jaeger's own rule (its query service's clock-skew adjuster, which max_clock_skew_adjust 0 turns into a warning).
        const startsBefore = span.startTime < parent.startTime;
        const endsLater = span.startTime + span.duration - (parent.startTime + parent.duration);
        // The API gives whole microseconds, Jaeger reckons in nanoseconds: ends a microsecond apart are left out.
        if (Math.abs(endsLater) <= 1) continue;
        const endsAfter = endsLater > 0;
        const warned = (span.warnings ?? []).some((warning) => warning.startsWith('clock skew adjustment disabled; not applying calculated delta of'));
        expect(warned, `${span.operationName} under ${parent.operationName}`).toBe(startsBefore || (endsAfter && span.duration <= parent.duration));
      }
    }
  });

  describe.each(APP_NAMES)('%s', (name) => {
    it(`its SERVER span for /server_request sits under the client's "client-server" span, under "client", with http.route and 200, and instrumentation-express's spans under it exactly where the approach makes them`, () => {
      expect(clientRequestProblems(run.traces[name].request, name)).toEqual([]);
    });

    it('its /error trace: the SERVER span with http.route /error, 500 and status ERROR, and the exception event on the span the handler ran in', () => {
      expect(errorRequestProblems(run.traces[name].error, name)).toEqual([]);
    });

    // Negative controls: the check fails on a SERVER span that is not under the client's span.
    it('the check fails on the same trace with the SERVER span\'s parent reference removed', () => {
      const { request } = run.traces[name];
      const server = serverSpan(request, name)!;
      const cut = { ...request, spans: request.spans.map((span) => (span === server ? { ...span, references: [] } : span)) };
      expect(clientRequestProblems(cut, name)).toContain('the SERVER span is not under "client-server" (its parent: none)');
    });

    it('the check fails on the /error trace, a request sent without trace context', () => {
      expect(clientRequestProblems(run.traces[name].error, name)).toEqual(expect.arrayContaining([
        'no root span "client" of the client', 'the SERVER span is not under "client-server" (its parent: none)',
      ]));
    });
  });
});
