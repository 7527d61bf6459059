// What the copied instrumentation.ts of the two code approaches does on SIGTERM in a service of
// the user's, not ours: one with no SIGTERM handler of its own, and one whose event loop a pool or
// a timer keeps busy after it has closed its server, so that it never reaches beforeExit. Batches
// are held for 10 minutes, so what arrives is what the shutdown flushed.
import { type AppName, APP_NAMES, APPS } from '@repo/app-catalogue';
import { collectOutput, repoRoot } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

const WITH_CODE = APP_NAMES.filter((app) => APPS[app].approach !== 'configuration only');

// A service as small as it gets: a span per request (the manual approach's by the API, since it
// has no Express here), a line once it listens, and on SIGTERM either nothing or a close that a
// timer outlives.
const service = (app: AppName, handler: Handler) => `
const { trace } = require('@opentelemetry/api');
const server = require('node:http').createServer((req, res) => { trace.getTracer('service').startSpan('work ' + req.url).end(); res.end('ok'); });
server.listen(0, () => console.log('listening on ' + server.address().port));
${{
  none: '',
  busy: "process.on('SIGTERM', () => { server.close(); setInterval(() => {}, 1000); });",
  exit: `process.on('SIGTERM', async () => { server.close(); await require('./${APPS[app].directory}/dist/cjs/instrumentation.js').shutdownTelemetry(); process.exit(3); });`,
}[handler]}`;
type Handler = 'none' | 'busy' | 'exit';

async function runService(app: AppName, handler: Handler) {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  onTestFinished(() => receiver.close());
  const child = spawn(process.execPath, ['--require', `./${APPS[app].directory}/dist/cjs/instrumentation.js`, '-e', service(app, handler)], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, OTEL_SERVICE_NAME: `sigterm-${handler}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none',
    },
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const { waitForOutput } = collectOutput(child, `a service with ${app}'s instrumentation.ts`);
  const [, port] = await waitForOutput(/listening on (\d+)/);
  await fetch(`http://127.0.0.1:${port}/last`).then((response) => response.text());
  child.kill('SIGTERM');
  const spans = await receiver.waitForSpans((received) => received.some((span) => span.name === 'work /last'), 15_000);
  return { spans, exited, child };
}

describe.each(WITH_CODE)('the %s approach\'s instrumentation.ts on SIGTERM', (app) => {
  it('a service with no SIGTERM handler of its own: flushes the last span, then ends by the signal as Node would have', async () => {
    const { spans, exited } = await runService(app, 'none');
    expect(spans.map((span) => span.name)).toContain('work /last');
    expect(await exited).toBe('SIGTERM');
  });

  it('a service that ends itself with process.exit(): flushes the last span when it awaits shutdownTelemetry() first', async () => {
    const { spans, exited } = await runService(app, 'exit');
    expect(spans.map((span) => span.name)).toContain('work /last');
    expect(await exited).toBe(3);
  });

  it('a service whose event loop stays busy after it closed its server: still flushes the last span (5 s later), and leaves the ending to the service', async () => {
    const { spans, child } = await runService(app, 'busy');
    expect(spans.map((span) => span.name)).toContain('work /last');
    expect([child.exitCode, child.signalCode], 'still running: the timer keeps it').toEqual([null, null]);
  });
});

it('the two copies of the SIGTERM and beforeExit handling are the same, line for line', () => {
  const handling = (app: AppName) => {
    const text = readFileSync(path.join(repoRoot, APPS[app].directory, 'src/instrumentation.ts'), 'utf8');
    return text.slice(text.indexOf('// Flush and shut down once'));
  };
  expect(handling(WITH_CODE[0]!)).toContain("process.once('SIGTERM'");
  for (const app of WITH_CODE.slice(1)) expect(handling(app), app).toBe(handling(WITH_CODE[0]!));
});
