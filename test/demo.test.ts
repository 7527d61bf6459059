// `npm run demo` (scripts/demo.ts) as a newcomer runs it: its traces printed whole, and one line
// for what it cannot do (against a collector of one's own: test/demo-collector.test.ts). On free
// ports (--free-ports), so that these tests run beside a demo of yours.
import { APP_NAMES, APPS, TOOL_PORTS } from '@repo/app-catalogue';
import net from 'node:net';
import { freePorts } from '../scripts/local-ports.ts';
import { runClient } from './client-process.ts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { clientLines, runDemo } from './demo-process.ts';


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
