// Each app as a user runs it (`npm start --workspace apps/<name>`), exporting over real OTLP to
// a real receiver. What the three produce compared span by span is test/equivalence.test.ts.
import { APP_NAMES, APPS, appsTracing, MODULE_FORMATS } from '@repo/app-catalogue';
import { type AppProcess, repoRoot, startApp } from '@repo/app-process';
import { startReceiver, type Receiver } from '@repo/otlp-receiver';
import type { ReceivedSpan } from '@repo/trace-model';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startAppForTest } from './app-fixture.ts';
import { inBatches, rawRequest, sendRaw } from './http-requests.ts';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ grpcPort: 0, httpPort: 0, onReject: () => {} });
});
afterAll(() => receiver?.close());

/** Sends to the test's receiver; a short batch delay so that spans arrive within the test. */
function exportEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100', ...extra };
}

// The routes the catalogue says some app leaves untraced.
const UNTRACED_ROUTES = [...new Set(APP_NAMES.flatMap((app) => Object.keys(APPS[app].untracedRoutes)))];

/** In front of the receiver's OTLP/HTTP port: forwards each export, and notes its path and content type. */
async function notingProxy(port: number) {
  const noted: string[] = [];
  const proxy = http.createServer((request, response) => {
    noted.push(`${request.url} ${request.headers['content-type']}`);
    request.pipe(http.request({ host: 'localhost', port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    }));
  });
  await new Promise<void>((resolve) => proxy.listen(0, 'localhost', resolve));
  return {
    url: `http://localhost:${(proxy.address() as net.AddressInfo).port}`,
    noted,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve()).closeAllConnections()),
  };
}

const serverSpans = (spans: ReceivedSpan[], service: string, param: string) =>
  spans.filter((s) => s.kind === 'SERVER' && s.resource['service.name'] === service && s.attributes['url.query'] === `param=${param}`);

describe.each(APP_NAMES)('the %s app', (name) => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp(name, { env: exportEnv() });
  });
  afterAll(() => app?.stop('SIGKILL'));

  it('answers the routes: /server_request "served", /health 200, /error 500, /api/items/<number>, anything else 404', async () => {
    const get = (path: string) => fetch(`${app.url}${path}`).then(async (r) => [r.status, await r.text()]);
    expect(await get('/server_request?param=routes')).toEqual([200, 'served']);
    expect((await get('/health'))[0]).toBe(200);
    expect(await get('/error')).toEqual([500, 'internal error']);
    expect(await get('/api/items/7')).toEqual([200, 'item 7']);
    expect(await get('/api/items/x')).toEqual([404, 'not found']);
    expect(await get('/no/such/path')).toEqual([404, 'not found']);
    // Its pino line for the request, a JSON object on stdout.
    expect(app.output()).toContain('"param":"routes","msg":"server_request"');
  });

  it(`exports its SERVER span over OTLP/gRPC as ${APPS[name].serviceName}`, async () => {
    await fetch(`${app.url}/server_request?param=${name}-grpc`);
    const spans = await receiver.waitForSpans((s) => serverSpans(s, APPS[name].serviceName, `${name}-grpc`).length === 1);
    expect(serverSpans(spans, APPS[name].serviceName, `${name}-grpc`)[0]).toMatchObject({
      name: 'GET /server_request',
      attributes: expect.objectContaining({ 'http.route': '/server_request', 'http.response.status_code': 200 }),
    });
  });

  it.each(MODULE_FORMATS)('built as %s: on SIGTERM after a burst of 300 requests, exports all 300 SERVER spans and exits 0 before its 10 s deadline', async (format) => {
    const burst = await startAppForTest(name, { format, env: exportEnv() });
    const param = `${name}-${format}-burst`;
    const statuses = await inBatches(300, 50, () => fetch(`${burst.url}/server_request?param=${param}`).then((r) => r.status))
      .catch(async (error) => {
        await burst.stop('SIGKILL');
        throw error;
      });
    const exit = await burst.stop('SIGTERM');

    expect(statuses.every((status) => status === 200)).toBe(true);
    // Exit code 0: it stopped before its own 10 s deadline, past which it exits with 1.
    expect(exit.code).toBe(0);
    expect(serverSpans(receiver.spans(), APPS[name].serviceName, param)).toHaveLength(300);
  });

  it('on SIGINT (Ctrl-C) also flushes and exits 0', async () => {
    const other = await startAppForTest(name, { env: exportEnv() });
    await fetch(`${other.url}/server_request?param=${name}-sigint`);
    const exit = await other.stop('SIGINT');
    expect(exit.code).toBe(0);
    expect(serverSpans(receiver.spans(), APPS[name].serviceName, `${name}-sigint`)).toHaveLength(1);
  });

  it('follows OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_PROTOCOL=http/json set by the caller', async () => {
    const proxy = await notingProxy(receiver.httpPort!);
    onTestFinished(() => proxy.close());
    const other = await startAppForTest(name, {
      env: exportEnv({ OTEL_SERVICE_NAME: `${name}-renamed`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: proxy.url }),
    });
    await fetch(`${other.url}/server_request?param=${name}-json`);
    const ofRequest = (spans: ReceivedSpan[]) => spans.filter((s) => s.kind === 'SERVER' && s.attributes['url.query'] === `param=${name}-json`);
    const spans = ofRequest(await receiver.waitForSpans((s) => ofRequest(s).length > 0));
    expect(spans.map((s) => s.resource['service.name'])).toEqual([`${name}-renamed`]);
    expect(new Set(proxy.noted.filter((export_) => export_.startsWith('/v1/traces')))).toEqual(new Set(['/v1/traces application/json']));
  });

  // Express routes a path in any letter case, with a trailing slash, or in a request target that is
  // a whole URL (as sent to a proxy), to the same handler: an untraced route stays untraced for all
  // of them, and the other apps trace every one.
  it.each(UNTRACED_ROUTES)('traces %s, in every spelling Express routes to its handler, exactly where the catalogue says it does', async (route) => {
    const spellings = [route, route.toUpperCase(), `${route}/`, `${route.toUpperCase()}/`, `${app.url}${route}`];
    const expected = appsTracing(route).includes(name);
    for (const [i, spelling] of spellings.entries()) {
      const target = `${spelling}?param=${name}-spelling-${i}`;
      const status = await sendRaw(app.port, rawRequest(`GET ${target} HTTP/1.1`, [`Host: localhost:${app.port}`, 'Connection: close']));
      expect(status, spelling).toBe(200);
    }
    // A request after them all, traced by every app: once its span is in, theirs would be too.
    await fetch(`${app.url}/server_request?param=${name}-after-spellings`);
    await receiver.waitForSpans((s) => serverSpans(s, APPS[name].serviceName, `${name}-after-spellings`).length === 1);
    const traced = spellings.map((_, i) => serverSpans(receiver.spans(), APPS[name].serviceName, `${name}-spelling-${i}`).length);
    expect(traced).toEqual(spellings.map(() => (expected ? 1 : 0)));
  });

  it('says the port is in use and exits 1 when PORT is taken', async () => {
    const holder = net.createServer().listen(0);
    await new Promise((resolve) => holder.once('listening', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const failure = startAppForTest(name, { env: exportEnv({ PORT: String(port) }) });
      await expect(failure).rejects.toThrow(`cannot listen: port ${port} is already in use; stop whatever holds it or set PORT`);
      await expect(failure).rejects.toThrow(/exited \(1\)/);
    } finally {
      holder.close();
    }
  });
});

// A setting that cannot be used: one line naming it and exit 1, from `npm start` as a user runs
// it (no stack trace), in each app alike, the automatic one included. npm's own lines around it,
// which .npmrc's loglevel=error shows (its `> start` header, and the `npm error` block it adds
// after a workspace's script that exits 1), are npm's, not the app's.
describe.each(APP_NAMES)('the %s app, started with a setting it cannot use', (name) => {
  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'foo', 'OTEL_EXPORTER_OTLP_PROTOCOL="foo" is not one of grpc, http/protobuf, http/json'],
    ['OTEL_TRACES_EXPORTER', 'zipkn', 'OTEL_TRACES_EXPORTER="zipkn": "zipkn" is not one of otlp, zipkin, console, none'],
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon', 'OTEL_BSP_SCHEDULE_DELAY="soon" is not a whole number >= 1'],
    // No scheme: the exporters would take "localhost:" for one, and every export would fail.
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318', 'OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" is not a URL starting with http:// or https:// (for example http://localhost:4317)'],
    ['PORT', 'abc', 'PORT="abc" is not a port number (0-65535)'],
  ])('%s=%s: prints "cannot start: <why>" and nothing else, and exits 1', (variable, value, why) => {
    // A free port unless PORT is the setting tried, and a deadline: an app that took the value would listen until killed.
    const run = spawnSync('npm', ['start', '--workspace', APPS[name].directory], {
      cwd: repoRoot, env: { ...process.env, PORT: '0', [variable]: value }, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL',
    });
    const own = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line && !line.startsWith('> ') && !line.startsWith('npm error '));
    expect({ status: run.status, own }).toEqual({ status: 1, own: [`cannot start: ${why}`] });
  });
});
