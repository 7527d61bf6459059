// `npm run demo` (scripts/demo.ts) as a newcomer runs it: its traces printed whole, against a
// collector of one's own, and one line for what it cannot do. On free ports (--free-ports), so
// that these tests run beside a demo of yours.
import { APP_NAMES, APPS, TOOL_PORTS } from '@repo/app-catalogue';
import { startTool } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { serviceOf } from '@repo/trace-model';
import net from 'node:net';
import { freePorts } from '../scripts/local-ports.ts';
import { runClient } from './client-process.ts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { START_PROBE } from './start-probe-env.ts';

/** `node scripts/demo.ts <args>`, stopped with Ctrl-C when the test ends, however it ends. */
function runDemo(args: string[], env: Record<string, string> = {}) {
  const demo = startTool('demo.ts', args, { FORCE_COLOR: '0', ...env });
  onTestFinished(async () => {
    await demo.stop('SIGINT');
  });
  return demo;
}
const clientLines = /(-> 200 served · trace [0-9a-f]{32}[^]*){3}/;
// With the start probe preloaded (START_PROBE): what the demo printed, and the processes it started.
// Its search for free ports listens and closes, and its check of a collector connects: neither starts anything.
const printed = (output: string) => output.split('\n').filter((line) => !line.startsWith('started: ')).join('\n');
const processesStarted = (output: string) => output.split('\n').filter((line) => /^started: (spawn|fork|exec)/.test(line));

describe('npm run demo', () => {
  it("prints each request's trace whole, the client's spans and the app's in one tree with its link into the UI, in 100 columns, then what to do next; on Ctrl-C stops the apps, then the receiver after their last flush", async () => {
    const demo = runDemo(['--free-ports']);
    const [, ui] = await demo.waitForOutput(/the trace UI will be at (http:\/\/localhost:\d+)/, 60_000);
    await demo.waitForOutput(clientLines, 60_000);
    const next = await demo.waitForOutput(new RegExp(`^demo: open ${ui} for the trace UI; each trace above has its link there, /trace/<id>$`, 'm'), 20_000);
    const output = demo.output();
    expect(output).toContain('OTEL_BSP_SCHEDULE_DELAY=500, a demo setting');
    // Its own lines, as the trees, read in 100 columns.
    for (const line of output.split('\n').filter((text) => /^(demo:| {6}\S)/.test(text))) expect(line.length, line).toBeLessThanOrEqual(100);
    for (const name of APP_NAMES) {
      const traceId = new RegExp(`param=${name} -> 200 served · trace ([0-9a-f]{32})`).exec(output)![1];
      // The tree: from its first line to the empty line after it, each line with the receiver's prefix.
      const tree = new RegExp(`^\\[receiver *\\] trace ${traceId} · client, ${APPS[name].serviceName}\\b[^]*?\\n\\[receiver *\\] \\n`, 'm').exec(output);
      expect(tree, name).not.toBeNull();
      expect(tree![0]).toContain(`\n[receiver    ]   ${ui}/trace/${traceId}\n`);
      expect(tree![0]).toMatch(new RegExp(`SERVER GET /server_request[^]*\\[${APPS[name].serviceName}\\]`));
      for (const line of tree![0].trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
      // What to do next comes after the trees, not before them where it would scroll away.
      expect(tree!.index, name).toBeLessThan(next.index);
    }
    // Ctrl-C stops the apps first and the receiver after their last flush: no export fails, and
    // no process is said to have exited other than cleanly (concurrently names a signal that killed a shell).
    expect(await demo.stop('SIGINT')).toBe(0);
    const atExit = demo.output();
    expect(atExit).not.toMatch(/export failed|not delivered|Error:|^.*\] +at /m);
    expect(atExit).not.toMatch(/exited with code (?!0$)/m);
    const stopped = atExit.indexOf('OTLP receiver stopped:');
    expect(stopped).toBeGreaterThan(0);
    for (const name of APP_NAMES) {
      const closing = new RegExp(`^\\[${name} *\\] SIGINT: closing the server`, 'm').exec(atExit);
      expect(closing?.index, name).toBeLessThan(stopped);
      expect(atExit.slice(stopped), name).not.toMatch(new RegExp(`^\\[${name} `, 'm'));
    }
  });

  it('ends with advice that goes to the ports that demo chose (--free-ports): the client line it gives, run as given, has its trace printed by the demo\'s receiver', async () => {
    const demo = runDemo(['--free-ports']);
    await demo.waitForOutput(/Ctrl-C stops everything\./, 60_000);
    const more = /^ {6}More: [^]*?\n {6}Ctrl-C/m.exec(demo.output())![0];
    const [, settings, args] = /((?:^ {6}\w+=\S+ \\\n)*) *npm run client -- (.*?)(?: {3}|\n)/m.exec(more)!;
    const env = Object.fromEntries([...settings.matchAll(/(\w+)=(\S+)/g)].map(([, name, value]) => [name, value]));
    const run = await runClient(args.split(' '), env);
    expect(run.code, run.output).toBe(0);
    const traceId = /· trace ([0-9a-f]{32})/.exec(run.output)![1];
    await demo.waitForOutput(new RegExp(`^\\[receiver *\\] trace ${traceId}`, 'm'), 20_000);
    const [, port] = /curl 'http:\/\/localhost:(\d+)\/error'/.exec(more)!;
    expect((await fetch(`http://localhost:${port}/error`)).status).toBe(500);
  });

  it('with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (the JavaScript default), the apps and the client send to the receiver\'s OTLP/HTTP port: every trace printed, no export failed', async () => {
    const demo = runDemo(['--free-ports'], { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    await demo.waitForOutput(clientLines, 60_000);
    await demo.waitForOutput(/^demo: open http:\/\/localhost:\d+ for the trace UI; each trace above has its link there/m, 20_000);
    expect(demo.output().match(/^\[receiver *\] trace [0-9a-f]{32} · client, /gm)).toHaveLength(APP_NAMES.length);
    expect(demo.output()).not.toMatch(/export failed|Parse Error/);
  });

  it('says that no trace came, rather than that each has its link in the UI, when the traces go nowhere', async () => {
    const [port] = await freePorts(1);
    const demo = runDemo(['--free-ports'], { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' });
    await demo.waitForOutput(/^demo: no trace came to the receiver \(the lines above say why\); the trace UI is at http:\/\/localhost:\d+$/m, 60_000);
    expect(demo.output()).not.toContain('each trace above');
  });

  it('with --collector: checks that the collector answers, the apps and the client export there, it says when the first export has landed, and starts no receiver of its own', async () => {
    const collector = await startReceiver({ grpcPort: 0, httpPort: null, host: '127.0.0.1' });
    onTestFinished(() => collector.close());
    const demo = runDemo(['--free-ports', '--collector', collector.grpcEndpoint]);
    await demo.waitForOutput(clientLines, 60_000);
    const services = ['client', ...APP_NAMES.map((name) => APPS[name].serviceName)];
    await collector.waitForSpans((spans) => services.every((service) => spans.some((span) => serviceOf(span) === service)), 20_000);
    expect(demo.output()).toContain(`demo: your collector at ${collector.grpcEndpoint} answers OTLP over grpc\n      the apps and the client export there; no receiver of the demo's own\n`);
    await demo.waitForOutput(new RegExp(`^demo: the first export has landed: your collector at ${collector.grpcEndpoint} took the client's spans$`, 'm'), 20_000);
    expect(demo.output()).not.toMatch(/^\[receiver/m);
  });

  // Jaeger, say: gRPC 12 UNIMPLEMENTED for metrics and logs, OTLP/HTTP 404 for their paths.
  describe('with a --collector that takes traces only', () => {
    it('starts the apps and the client with metrics and logs off, says so in one line with the variables that turn them back on, and no app reports a failed export, to the last flush', async () => {
      const collector = await startReceiver({ grpcPort: 0, httpPort: null, host: '127.0.0.1', signals: ['traces'], onReject: () => {} });
      onTestFinished(() => collector.close());
      const demo = runDemo(['--free-ports', '--collector', collector.grpcEndpoint]);
      await demo.waitForOutput(clientLines, 60_000);
      const services = ['client', ...APP_NAMES.map((name) => APPS[name].serviceName)];
      await collector.waitForSpans((spans) => services.every((service) => spans.some((span) => serviceOf(span) === service)), 20_000);
      expect(demo.output()).toContain(`\ndemo: your collector at ${collector.grpcEndpoint} takes traces only: metrics and logs are not sent; OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER turn them back on\n`);
      expect(demo.output()).not.toContain('demo: metrics every');
      // Stopped, each app exports what it still holds of every signal it sends.
      expect(await demo.stop('SIGINT')).toBe(0);
      expect(demo.output()).not.toMatch(/export failed|not delivered|UNIMPLEMENTED|Error:/);
    });

    it('over OTLP/HTTP, a variable the user set wins and goes unmentioned: OTEL_METRICS_EXPORTER=otlp keeps metrics on, and the line speaks of logs alone', async () => {
      const collector = await startReceiver({ grpcPort: 0, httpPort: 0, host: '127.0.0.1', signals: ['traces'], onReject: () => {} });
      onTestFinished(() => collector.close());
      const url = `http://127.0.0.1:${collector.httpPort}`;
      const demo = runDemo(['--free-ports', '--collector', url, '--protocol', 'http/protobuf'], { OTEL_METRICS_EXPORTER: 'otlp' });
      await demo.waitForOutput(/^demo: the first export has landed/m, 60_000);
      expect(demo.output()).toContain(`\ndemo: your collector at ${url} takes traces only: logs are not sent; OTEL_LOGS_EXPORTER turns them back on\n`);
      // The user's metrics go where they asked, and fail there; no log export is tried.
      await demo.waitForOutput(/metric export failed \(Not Found\)/, 20_000);
      expect(await demo.stop('SIGINT')).toBe(0);
      expect(demo.output()).not.toMatch(/log record export failed/);
    });
  });

  describe('with a --collector that cannot take the telemetry: one line saying why, and the flag that fixes it, before starting anything; exit 1', () => {
    it('nothing listens there', async () => {
      const [port] = await freePorts(1);
      const demo = runDemo(['--free-ports', '--collector', `http://127.0.0.1:${port}`], START_PROBE);
      expect(await demo.exited).toBe(1);
      expect(printed(demo.output())).toBe(`demo: nothing answers at http://127.0.0.1:${port} (ECONNREFUSED): is your collector running?\n`);
      expect(processesStarted(demo.output())).toEqual([]);
    });

    it('gRPC (the default) sent to an OTLP/HTTP port, like 4318', async () => {
      const collector = await startReceiver({ grpcPort: 0, httpPort: 0, host: '127.0.0.1' });
      onTestFinished(() => collector.close());
      const url = `http://127.0.0.1:${collector.httpPort}`;
      const demo = runDemo(['--free-ports', '--collector', url], START_PROBE);
      expect(await demo.exited).toBe(1);
      expect(printed(demo.output())).toBe(`demo: ${url} answers HTTP/1.1, not gRPC: an OTLP/HTTP port? add --protocol http/protobuf, or give its gRPC port (4317 by default)\n`);
      expect(processesStarted(demo.output())).toEqual([]);
    });

    it.each(['http/protobuf', 'http/json'])('%s sent to an OTLP/gRPC port, like 4317', async (protocol) => {
      const collector = await startReceiver({ grpcPort: 0, httpPort: 0, host: '127.0.0.1' });
      onTestFinished(() => collector.close());
      const demo = runDemo(['--free-ports', '--collector', collector.grpcEndpoint, '--protocol', protocol], START_PROBE);
      expect(await demo.exited).toBe(1);
      expect(printed(demo.output())).toBe(`demo: ${collector.grpcEndpoint} answers gRPC, not HTTP/1.1: an OTLP/gRPC port? leave out --protocol (grpc is the default), or give its OTLP/HTTP port (4318 by default)\n`);
      expect(processesStarted(demo.output())).toEqual([]);
    });

    it.each([
      ['grpc', [], (url: string) => `${url} answers gRPC but takes none of traces, metrics or logs (12 UNIMPLEMENTED for each): is it an OTLP collector?`],
      ['http/protobuf', [], (url: string) => `${url} answers HTTP but has none of /v1/traces, /v1/metrics, /v1/logs (404 for each): is it an OTLP/HTTP receiver?`],
      ['grpc', ['metrics', 'logs'], (url: string) => `${url} takes metrics and logs but no traces (12 UNIMPLEMENTED): the demo shows traces; give it a collector that takes them`],
    ] as const)('over %s, it takes %j of the signals', async (protocol, signals, line) => {
      const collector = await startReceiver({ grpcPort: 0, httpPort: 0, host: '127.0.0.1', signals, onReject: () => {} });
      onTestFinished(() => collector.close());
      const url = protocol === 'grpc' ? collector.grpcEndpoint : `http://127.0.0.1:${collector.httpPort}`;
      const demo = runDemo(['--free-ports', '--collector', url, '--protocol', protocol]);
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toBe(`demo: ${line(url)}\n`);
    });

    // The negative control: the right protocol on each port passes the check.
    it.each(['http/protobuf', 'http/json'])('(and %s sent to the OTLP/HTTP port is taken)', async (protocol) => {
      const collector = await startReceiver({ grpcPort: 0, httpPort: 0, host: '127.0.0.1' });
      onTestFinished(() => collector.close());
      const url = `http://127.0.0.1:${collector.httpPort}`;
      const demo = runDemo(['--free-ports', '--collector', url, '--protocol', protocol]);
      const taken = demo.waitForOutput(new RegExp(`^demo: your collector at ${url} answers OTLP over ${protocol}$`, 'm'), 20_000).then(() => 'taken');
      // A demo that refuses the collector exits at once: said with its line, rather than after a 20 s wait.
      expect(await Promise.race([taken, demo.exited.then((code) => `exited ${code}: ${demo.output()}`)])).toBe('taken');
    });
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
