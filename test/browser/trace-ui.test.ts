// The trace UI in a real browser (Debian's chromium, driven by playwright-core) against the demo's
// real processes: `node scripts/demo.ts --free-ports` starts the receiver with its UI and the three
// apps, and sends the original's requests. `npm run test:browser`; UPDATE_SCREENSHOTS=1 (`npm run
// screenshots`) also writes the README's pictures to shared/lab/trace-ui/screenshots/.
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { APP_NAMES, type AppName, APPS, explainDifference, UNEXPLAINED } from '@repo/app-catalogue';
import { repoRoot, startTool, type ToolProcess } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { startTraceUi, type CompareView } from '@repo/trace-ui';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

const HOSTILE_NAME = '<img src=x onerror="window.__injected = true">';
const HOSTILE_VALUE = '<b>bold</b><script>window.__injected = true</script>';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(repoRoot, 'shared/lab/trace-ui/screenshots') : mkdtempSync(path.join(tmpdir(), 'trace-ui-'));

// The apps whose traces the view tests open, chosen from the catalogue, and what each shows: an
// app without express spans has 3 spans through the client, one with them 4, and its GET /error
// carries the exception on its express span.
const WITHOUT_EXPRESS_SPANS = APP_NAMES.find((app) => !APPS[app].spans.expressSpans)!;
const [WITH_EXPRESS_SPANS, ALSO_WITH_EXPRESS_SPANS] = APP_NAMES.filter((app) => APPS[app].spans.expressSpans);
const CLIENT_TRACE_SPANS = { [WITHOUT_EXPRESS_SPANS]: '3', [WITH_EXPRESS_SPANS]: '4' };
const service = (app: AppName) => APPS[app].serviceName;
// An app that leaves a route untraced, and that route.
const UNTRACING_APP = APP_NAMES.find((app) => Object.keys(APPS[app].untracedRoutes).length > 0)!;
const [UNTRACED_ROUTE] = Object.keys(APPS[UNTRACING_APP].untracedRoutes);

let demo: ToolProcess;
// Read from the demo's own lines: it runs on free ports, so that a demo of yours can run meanwhile.
let UI: string;
let APP_URLS: Record<AppName, string>;
let profile: string;
let browser: BrowserContext;
let page: Page;

/** The demo as a user runs it, on free ports, with batches every 200 ms so the test waits less: once its client's three requests are answered. */
async function startDemo(): Promise<{ demo: ToolProcess; ui: string; apps: Record<AppName, string> }> {
  const started = startTool('demo.ts', ['--free-ports'], { OTEL_BSP_SCHEDULE_DELAY: '200', FORCE_COLOR: '0' });
  const [, ui] = await started.waitForOutput(/the trace UI will be at (http:\/\/localhost:\d+)/, 60_000);
  const [answering] = await started.waitForOutput(/the three apps answer after [^]*?\n\n/, 90_000);
  const apps = Object.fromEntries(APP_NAMES.map((name) => [name, new RegExp(`${name} (http://localhost:\\d+)`).exec(answering)![1]])) as Record<AppName, string>;
  await started.waitForOutput(/(-> 200 served · trace[^]*){3}/, 60_000);
  return { demo: started, ui, apps };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  ({ demo, ui: UI, apps: APP_URLS } = await startDemo());

  // What a user might do next: the error route and a route some app leaves untraced.
  for (const url of Object.values(APP_URLS)) await fetch(`${url}/error`);
  for (const url of Object.values(APP_URLS)) await fetch(`${url}${UNTRACED_ROUTE}`);

  profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  page = await browser.newPage();
  // Under the test's timeout, so that a missing element is named rather than the test timing out.
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => {
    throw new Error(`the page opened a dialog: ${dialog.message()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  // Ctrl-C to the whole demo, and SIGKILL to it if it has not ended 15 s later.
  await demo?.stop('SIGINT');
});

/**
 * A receiver and its UI of the test's own, on free ports, gone when the test ends: spans a test
 * sends there never show in the demo's pages, so the tests do not depend on their order.
 */
async function ownTraceUi(): Promise<{ ui: string; send: (service: string, name: string, attributes: Attributes) => Promise<void> }> {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  const ui = await startTraceUi({ receiver, port: 0 });
  onTestFinished(async () => {
    await ui.close();
    await receiver.close();
  });
  return { ui: ui.url, send: (service, name, attributes) => sendSpan(receiver.grpcEndpoint, service, name, attributes) };
}

/** One SERVER span sent over OTLP/gRPC to `endpoint`, as `service`. */
async function sendSpan(endpoint: string, service: string, name: string, attributes: Attributes): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint }) })],
  });
  provider.getTracer('browser-test').startSpan(name, { kind: SpanKind.SERVER, attributes }).end();
  await provider.shutdown();
}

async function screenshot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(10_000);
}

const rows = () => page.locator('table.traces tbody tr');
const rowOf = (service: string, root: string) => rows().filter({ hasText: service }).filter({ hasText: root }).first();

describe('the list of recent traces', () => {
  it("shows the demo's traces, client → app, newest first, with every service, span count and error mark", async () => {
    await page.goto(UI);
    for (const service of APP_NAMES.map((name) => APPS[name].serviceName)) await rowOf(`client → ${service}`, 'client').waitFor();
    const times = await rows().locator('td:first-child').allTextContents();
    expect(times).toEqual([...times].sort().reverse());
    // client, client-server, SERVER; and the express span in the automatic app.
    expect(await rowOf(service(WITHOUT_EXPRESS_SPANS), 'client').locator('td').nth(3).textContent()).toBe(CLIENT_TRACE_SPANS[WITHOUT_EXPRESS_SPANS]);
    expect(await rowOf(service(WITH_EXPRESS_SPANS), 'client').locator('td').nth(3).textContent()).toBe(CLIENT_TRACE_SPANS[WITH_EXPRESS_SPANS]);
    await rowOf(service(ALSO_WITH_EXPRESS_SPANS), 'GET /error').locator('.mark').waitFor();
    expect(await rowOf(service(ALSO_WITH_EXPRESS_SPANS), 'client').locator('.mark').count()).toBe(0);
    await screenshot('list');
  });

  it('filters by service', async () => {
    await page.goto(UI);
    await rowOf(service(WITH_EXPRESS_SPANS), 'client').waitFor();
    await page.selectOption('#service', service(WITH_EXPRESS_SPANS));
    await page.waitForURL(`${UI}/?service=${service(WITH_EXPRESS_SPANS)}`);
    await expect.poll(async () => new Set(await rows().locator('td:nth-child(2)').allTextContents()))
      .toEqual(new Set([service(WITH_EXPRESS_SPANS), `client → ${service(WITH_EXPRESS_SPANS)}`]));
  });
});

describe('a trace', () => {
  it("shows the client's spans and the SERVER span under them, each with its service, and the SERVER span's attributes and resource when clicked", async () => {
    await page.goto(UI);
    // The demo's own request to the manual app, ?param=manual.
    await rowOf(`client → ${service(WITHOUT_EXPRESS_SPANS)}`, 'client').locator('a', { hasText: 'client' }).click();
    await page.waitForURL(/\/trace\/[0-9a-f]{32}$/);
    const spans = page.locator('.waterfall .span-row[data-span-id]');
    await spans.nth(2).waitFor();
    // Without the ` ~` a span gets when drawn ending up to 1 ms after its parent: whether it does depends on
    // how this run's start times rounded to whole milliseconds (the trace-ui and trace-model unit tests hold the mark).
    expect((await spans.locator('.label').allTextContents()).map((label) => label.replace(' ~', ''))).toEqual([
      'INTERNALclientclient', 'CLIENTclient-serverclient', `SERVERGET /server_request${service(WITHOUT_EXPRESS_SPANS)}`,
    ]);
    await spans.nth(2).click();
    const details = page.locator('.details');
    for (const text of ['SERVER', 'http.route', '/server_request', 'url.query', `param=${WITHOUT_EXPRESS_SPANS}`, 'http.response.status_code', '200', service(WITHOUT_EXPRESS_SPANS)]) {
      await details.getByText(text, { exact: true }).first().waitFor();
    }
    // The app's pino record for the request, under the span it was made in (the SERVER span, in the manual app).
    const log = page.locator('.waterfall .log-row', { hasText: 'server_request' });
    await log.waitFor();
    expect(await log.textContent()).toBe(`INFOserver_request param=${WITHOUT_EXPRESS_SPANS}`);
    await details.getByText('Log records (1)', { exact: true }).waitFor();
    await screenshot('client-trace');
  });

  it(`nests the express span under the SERVER span, and shows the exception event on it (${WITH_EXPRESS_SPANS}'s GET /error)`, async () => {
    await page.goto(`${UI}/?service=${service(WITH_EXPRESS_SPANS)}`);
    await rowOf(service(WITH_EXPRESS_SPANS), 'GET /error').locator('a', { hasText: 'GET /error' }).click();
    const spans = page.locator('.waterfall .span-row[data-span-id]');
    await spans.nth(1).waitFor();
    const [server, handler] = [await spans.nth(0).locator('.bar').boundingBox(), await spans.nth(1).locator('.bar').boundingBox()];
    expect(handler!.x).toBeGreaterThanOrEqual(server!.x);
    expect(handler!.x + handler!.width).toBeLessThanOrEqual(server!.x + server!.width + 1);
    expect(await spans.nth(1).locator('.label').getAttribute('style')).toContain('padding-left: 1.7em');
    await spans.nth(1).click();
    await page.locator('.details').getByText('exception at +', { exact: false }).waitFor();
    await page.locator('.details').getByText('a handler failed', { exact: true }).first().waitFor();
    await screenshot('trace');
  });
});

describe('the compare page', () => {
  it("shows each app's request metric, http.server.request.duration: a series for the demo's GET /server_request in all three, with its count", async () => {
    await page.goto(`${UI}/compare?request=${encodeURIComponent('GET /server_request')}`);
    for (const app of APP_NAMES) {
      const series = page.locator(`.metric[data-app="${app}"] .series tr`, { hasText: '/server_request' }).filter({ hasText: '200' });
      await series.first().waitFor();
      expect(Number(/count (\d+)/.exec((await series.first().locator('td.count').textContent())!)![1]), app).toBeGreaterThanOrEqual(1);
      expect(await series.first().locator('.buckets span').count(), app).toBe(15);
    }
  });

  it('shows the three apps side by side, marks each known difference and says why', async () => {
    await page.goto(`${UI}/compare?request=${encodeURIComponent('GET /server_request')}`);
    await page.locator('table.differences').waitFor();
    expect(await page.locator('table.compare thead th').allTextContents()).toEqual([
      '', ...Object.values(APPS).map(({ name: app, serviceName: service }) => expect.stringContaining(`${app}${service}`)),
    ]);
    const differences = await page.locator('table.differences tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // The demo's requests came through the client; what is compared is each app's part, its
    // SERVER span and what is under it.
    expect(differences.map((cells) => cells[1])).toEqual([
      'resource["service.name"]', 'spans[0].scope.name', 'spans[0].scope.version', 'spans[0].attributes["url.query"]', 'spans[0.0]',
    ]);
    // Each reason on the page is explainDifference's for that row's location, as the API gives it.
    const api = (await (await fetch(`${UI}/api/compare?request=${encodeURIComponent('GET /server_request')}`)).json()) as CompareView;
    expect(differences.map((cells) => cells[5])).toEqual(api.rows.map((row) => explainDifference({ ...row, urlPath: '/server_request' })));
    expect(differences.at(-1)!.slice(2, 5)).toEqual(['(absent)', 'INTERNAL request handler', 'INTERNAL request handler']);
    expect(await page.locator('table.differences tr.unexplained').count()).toBe(0);
    // The service names differ in the resource row, marked with their row's number.
    expect(await page.locator('table.compare tbody tr').first().locator('li.differs').allTextContents()).toEqual(APP_NAMES.map((name) => `service.name ${APPS[name].serviceName}1`));
    // The missing express span of the app without them is marked in its column with the row's number.
    expect(await page.locator('table.compare td.absent.differs').textContent()).toBe('no span here5');
    await screenshot('compare');
  });

  it('on GET /error, marks where the exception event is; on an untraced route, says which app leaves it untraced and why', async () => {
    await page.goto(`${UI}/compare?request=${encodeURIComponent('GET /error')}`);
    await page.locator('table.differences').waitFor();
    await page.locator('table.differences td.where', { hasText: 'spans[0].events' }).waitFor();
    expect(await page.locator('table.compare .events.differs').allTextContents()).toEqual(['events: exception4', 'events: none4', 'events: none4']);
    await page.selectOption('#request', `GET ${UNTRACED_ROUTE}`);
    await page.locator('table.compare td.untraced', { hasText: APPS[UNTRACING_APP].untracedRoutes[UNTRACED_ROUTE] }).first().waitFor();
  });

  it('marks a difference that is none of the known ones as unexplained', async () => {
    // Two "apps" that differ where the real ones never do.
    const { ui, send } = await ownTraceUi();
    const unusual = { 'http.request.method': 'GET', 'url.path': '/unusual' };
    await send(service(WITHOUT_EXPRESS_SPANS), 'GET /unusual', { ...unusual, 'http.route': '/unusual' });
    await send(service(WITH_EXPRESS_SPANS), 'GET /unusual', { ...unusual, 'http.route': '/other' });
    await page.goto(`${ui}/compare?request=${encodeURIComponent('GET /unusual')}`);
    const row = page.locator('table.differences tr.unexplained');
    await row.waitFor();
    expect(await row.locator('td.where').textContent()).toBe('spans[0].attributes["http.route"]');
    expect(await row.locator('td').last().textContent()).toBe(UNEXPLAINED);
  });
});

// Point 5 of issue 26's Why, as a user did it: the demo's traces through the client, then one curl
// to one app beside them (the second, on 8082 in the demo), then GET /error to that app alone. On a
// demo of the test's own, so that no other test's requests are there.
const CURLED = APP_NAMES[1];
const NOT_CURLED = APP_NAMES.filter((app) => app !== CURLED);
describe('the compare page after the README\'s next steps', () => {
  it('compares a curl\'s trace with the client\'s like with like (only the known differences), and says there is nothing to compare when one app traced a request, and what to send', async () => {
    const own = await startDemo();
    onTestFinished(async () => {
      await own.demo.stop('SIGINT');
    });
    const compare = async (request: string) => (await (await fetch(`${own.ui}/api/compare?request=${encodeURIComponent(request)}`)).json()) as CompareView;

    await fetch(`${own.apps[CURLED]}/server_request?param=hi`);
    // Every app's trace there first: the curl's in its app, the demo's client's (?param=<app>) in the others.
    await expect.poll(async () => (await compare('GET /server_request')).columns.map((column) => column.trace?.spans.find((span) => span.kind === 'SERVER')?.attributes['url.query']), { timeout: 10_000 })
      .toEqual(APP_NAMES.map((app) => (app === CURLED ? 'param=hi' : `param=${app}`)));
    await page.goto(`${own.ui}/compare?request=${encodeURIComponent('GET /server_request')}`);
    await page.locator('table.differences').waitFor();
    expect(await page.locator('table.differences td.where').allTextContents()).toEqual([
      'resource["service.name"]', 'spans[0].scope.name', 'spans[0].scope.version', 'spans[0].attributes["url.query"]', 'spans[0.0]',
    ]);
    expect(await page.locator('table.differences tr.unexplained').count()).toBe(0);

    await fetch(`${own.apps[CURLED]}/error`);
    await expect.poll(async () => (await compare('GET /error')).columns[APP_NAMES.indexOf(CURLED)].trace?.spans.length, { timeout: 10_000 }).toBe(2);
    await page.goto(`${own.ui}/compare?request=${encodeURIComponent('GET /error')}`);
    await page.locator('h2.nothing-to-compare').waitFor();
    expect(await page.locator('p.hint', { hasText: `Only ${CURLED} has traced GET /error` }).textContent()).toBe(`Only ${CURLED} has traced GET /error; send it to ${NOT_CURLED.join(' and ')} too:`);
    expect(await page.locator('ul.send li').allTextContents()).toEqual(NOT_CURLED.map((app) => `curl '${own.apps[app]}/error'`));
    expect(await page.getByText(/^\d+ differences?$/).count()).toBe(0);
  }, 120_000);
});

describe('untrusted input', () => {
  it('shows a span named like markup as text, on the list and on its trace page, and runs nothing', async () => {
    const { ui, send } = await ownTraceUi();
    await send('hostile-sender', HOSTILE_NAME, { note: HOSTILE_VALUE });
    await page.goto(ui);
    const row = rowOf('hostile-sender', HOSTILE_NAME);
    await row.waitFor();
    expect(await row.locator('a').textContent()).toBe(HOSTILE_NAME);
    await row.locator('a').click();
    await page.locator('.waterfall .span-row[data-span-id]').first().click();
    await page.locator('.details').getByText(HOSTILE_VALUE, { exact: true }).waitFor();
    expect(await page.locator('h1').first().textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('img, b, main script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).toBeUndefined();
  });
});

describe('live update', () => {
  it('updates by itself: a new request shows up without a reload', async () => {
    await page.goto(UI);
    await rowOf(service(WITHOUT_EXPRESS_SPANS), 'client').waitFor();
    const before = await rows().count();
    // A mark on the document: a reload would lose it.
    await page.evaluate(() => ((globalThis as { sameDocument?: boolean }).sameDocument = true));
    // A request that no other test compares (a 404), so that this test can run in any order.
    await fetch(`${APP_URLS[WITHOUT_EXPRESS_SPANS]}/nothing-here?param=live`);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(before + 1);
    // Its SERVER span is named by its method alone; the list says what it was.
    expect(await rowOf(service(WITHOUT_EXPRESS_SPANS), '404 not found: GET /nothing-here').count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await expect.poll(() => page.locator('#live').textContent()).toBe('live');
  });
});
