// `npm run demo` (scripts/demo.ts) as a newcomer runs it: its traces printed whole, against a
// collector of one's own, and one line for what it cannot do. On free ports (--free-ports), so
// that these tests run beside a demo of yours.
import { APP_NAMES, APPS, TOOL_PORTS } from '@repo/app-catalogue';
import { startTool } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { serviceOf } from '@repo/trace-model';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';

/** `node scripts/demo.ts <args>`, stopped with Ctrl-C when the test ends, however it ends. */
function runDemo(args: string[], env: Record<string, string> = {}) {
  const demo = startTool('demo.ts', args, { FORCE_COLOR: '0', ...env });
  onTestFinished(async () => {
    await demo.stop('SIGINT');
  });
  return demo;
}
const clientLines = /(-> 200 served · trace [0-9a-f]{32}[^]*){3}/;

describe('npm run demo', () => {
  it('prints each request\'s trace whole, the client\'s spans and the app\'s in one tree, for all three apps', async () => {
    const demo = runDemo(['--free-ports']);
    await demo.waitForOutput(clientLines, 60_000);
    for (const name of APP_NAMES) {
      await demo.waitForOutput(new RegExp(`trace [0-9a-f]{32} · client, ${APPS[name].serviceName} · \\d+ spans`), 20_000);
    }
    expect(demo.output()).toContain('OTEL_BSP_SCHEDULE_DELAY=500, a demo setting');
  });

  it('with --collector: the apps and the client export there, and the demo starts no receiver of its own', async () => {
    const collector = await startReceiver({ grpcPort: 0, httpPort: null, host: '127.0.0.1' });
    onTestFinished(() => collector.close());
    const demo = runDemo(['--free-ports', '--collector', collector.grpcEndpoint]);
    await demo.waitForOutput(clientLines, 60_000);
    const services = ['client', ...APP_NAMES.map((name) => APPS[name].serviceName)];
    await collector.waitForSpans((spans) => services.every((service) => spans.some((span) => serviceOf(span) === service)), 20_000);
    expect(demo.output()).toContain(`export to ${collector.grpcEndpoint} over grpc; no receiver of the demo's own`);
    expect(demo.output()).not.toMatch(/^\[receiver/m);
  });

  it('names a port of its own that is taken, suggests --collector, and exits 1', async () => {
    // A port of the test's own, given as the trace UI's: beside a demo of yours, its ports are free.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, 'localhost', resolve));
    onTestFinished(() => void holder.close());
    const port = (holder.address() as net.AddressInfo).port;
    const demo = runDemo(['--free-ports'], { TRACE_UI_PORT: String(port) });
    expect(await demo.exited).toBe(1);
    expect(demo.output()).toMatch(new RegExp(`^demo: port ${port} is already in use .*npm run demo -- --collector http://localhost:${TOOL_PORTS.otlpGrpc}\\n$`));
  });

  it('a second demo on the ports of one running says that a demo is running there, and where, rather than suggesting --collector', async () => {
    const first = runDemo(['--free-ports']);
    const [, ui, port] = await first.waitForOutput(/the trace UI will be at (http:\/\/localhost:(\d+))/, 60_000);
    await first.waitForOutput(/Trace UI: http/, 60_000);
    const second = runDemo(['--free-ports'], { TRACE_UI_PORT: port });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(new RegExp(`^demo: a demo is already running here \\(pid ${first.child.pid}, [^)]*\\) on ports [\\d, ]*\\b${port}\\b[\\d, ]*: its trace UI is ${ui}; use it, or stop it \\(Ctrl-C\\) first\\n$`));
  });

  // Exit 2 for a command line it cannot use, 1 for a setting.
  it.each([
    [['--collector', 'localhost:4317'], {}, 2, 'demo: --collector "localhost:4317" is not a collector\'s URL (http://host:port, e.g. http://localhost:4317)'],
    [['--collector', 'http://localhost:4317', '--protocol', 'grpcc'], {}, 2, 'demo: --protocol "grpcc" is not one of grpc, http/protobuf, http/json'],
    [['--free-ports'], { OTEL_EXPORTER_OTLP_PROTOCOL: 'foo' }, 1, 'demo: cannot start: OTEL_EXPORTER_OTLP_PROTOCOL="foo" is not one of grpc, http/protobuf, http/json'],
    [[], { TRACE_UI_PORT: 'ui' }, 1, 'demo: TRACE_UI_PORT="ui" is not a port number (0-65535)'],
    [['--express', '3'], {}, 2, 'demo: --express "3" is not one of 5, 4'],
    [['--express', '4', '--esm'], {}, 2, 'demo: --express 4 runs the CommonJS builds, not --esm'],
  ] satisfies [string[], Record<string, string>, number, string][])('refuses %j %j in one line before starting anything, and exits %i', async (args, env, code, line) => {
    const demo = runDemo(args, env);
    expect(await demo.exited).toBe(code);
    expect(demo.output()).toBe(`${line}\n`);
  });
});
