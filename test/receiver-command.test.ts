// `npm run receiver` (scripts/receiver.ts): the receiver and its trace UI as one command.
import { APP_NAMES } from '@repo/app-catalogue';
import { collectOutput, repoRoot, startApp, startTool } from '@repo/app-process';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RECEIVER_NODE_FLAGS } from '../scripts/receiver-node-flags.ts';
import { descendants } from './process-tree.ts';
import { START_PROBE } from './start-probe-env.ts';

/** `node scripts/receiver.ts`, stopped when the test ends, however it ends. */
function runReceiver(args: string[], env: Record<string, string> = {}) {
  const receiver = startTool('receiver.ts', args, env);
  onTestFinished(async () => {
    await receiver.stop('SIGKILL');
  });
  return receiver;
}

describe('npm run receiver', () => {
  it('starts Node.js with the receiver\'s flags, as the demo and bench:receiver do: the running receiver\'s own command line', async () => {
    const npm = spawn('npm', ['run', 'receiver', '--', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    onTestFinished(() => {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    });
    await collectOutput(npm, 'npm run receiver').waitForOutput(/Trace UI: /);
    // Below npm and its shell: the node process that runs scripts/receiver.ts.
    const receiver = descendants(npm.pid!).find(({ args }) => args.includes('scripts/receiver.ts'));
    expect(receiver?.args.slice(1, receiver.args.indexOf('scripts/receiver.ts'))).toEqual(RECEIVER_NODE_FLAGS);
  });

  it('prints where the UI is, serves it, and stops on SIGINT with its count', async () => {
    const receiver = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    const [, url] = await receiver.waitForOutput(/Trace UI: (http:\/\/localhost:\d+)/);
    expect((await fetch(`${url}/api/traces`)).status).toBe(200);
    receiver.child.kill('SIGINT');
    expect(await receiver.exited).toBe(0);
    expect(receiver.output()).toContain('OTLP receiver stopped: 0 spans in 0 exports, 0 metric points in 0 exports, 0 log records in 0 exports, 0 rejected');
  });

  it('counts in the singular what came once: "1 span in 1 export", "1 log record in 1 export"', async () => {
    const receiver = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    const [, httpPort] = await receiver.waitForOutput(/HTTP \(protobuf, JSON\) on localhost:(\d+)/);
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'command-test' } }] };
    const [traceId, spanId] = ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'];
    for (const [signal, body] of [
      ['traces', { resourceSpans: [{ resource, scopeSpans: [{ spans: [{ traceId, spanId, name: 'GET /', kind: 2, startTimeUnixNano: '1000000', endTimeUnixNano: '3000000' }] }] }] }],
      ['logs', { resourceLogs: [{ resource, scopeLogs: [{ logRecords: [{ body: { stringValue: 'once' }, severityNumber: 9, timeUnixNano: '1000001' }] }] }] }],
    ] as const) {
      const response = await fetch(`http://localhost:${httpPort}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(200);
    }
    receiver.child.kill('SIGINT');
    expect(await receiver.exited).toBe(0);
    expect(receiver.output()).toContain('OTLP receiver stopped: 1 span in 1 export, 0 metric points in 0 exports, 1 log record in 1 export, 0 rejected\n');
  });

  it('prints a log record under the span it was made in, one outside any span on its own line, and a request-duration line per series when its count changed', async () => {
    const receiver = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--trace-idle-ms', '200']);
    const [, httpPort] = await receiver.waitForOutput(/HTTP \(protobuf, JSON\) on localhost:(\d+)/);
    const post = async (signal: string, body: object) => {
      const response = await fetch(`http://localhost:${httpPort}/v1/${signal}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    };
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'command-test' } }] };
    const [traceId, spanId] = ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'];
    const log = (body: string, severityNumber: number, ids = {}) => ({ body: { stringValue: body }, severityNumber, timeUnixNano: '1000001', ...ids });
    // A duration histogram in seconds, bounds 5, 10 and 25 ms.
    const durations = (bucketCounts: number[]) => ({
      resourceMetrics: [{ resource, scopeMetrics: [{ metrics: [{
        name: 'http.server.request.duration', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: [{
          attributes: [{ key: 'http.route', value: { stringValue: '/server_request' } }],
          count: bucketCounts.reduce((a, b) => a + b), sum: 0.024, bucketCounts, explicitBounds: [0.005, 0.01, 0.025],
        }] },
      }] }] }],
    });

    // The record first: it waits for its trace, which is printed once no span of it came for 200 ms.
    await post('logs', { resourceLogs: [{ resource, scopeLogs: [{ logRecords: [log('server_request', 9, { traceId, spanId }), log('outside any span', 13)] }] }] });
    await post('traces', { resourceSpans: [{ resource, scopeSpans: [{ spans: [{
      traceId, spanId, name: 'GET /server_request', kind: 2, startTimeUnixNano: '1000000', endTimeUnixNano: '3000000',
    }] }] }] });
    await receiver.waitForOutput(/└─ SERVER GET \/server_request · 2\.0 ms\n {5}· log INFO server_request\n/);
    // Its first lines: the trace, then its page in the trace UI; each line in 85 columns, 100 in the demo.
    const [, ui] = /Trace UI: (http:\/\/localhost:\d+)/.exec(receiver.output())!;
    expect(receiver.output()).toContain(`trace ${traceId} · command-test · 1 span · 1 log record\n  2.0 ms\n  ${ui}/trace/${traceId}\n└─ SERVER`);
    expect((await fetch(`${ui}/trace/${traceId}`)).headers.get('content-type')).toContain('text/html');
    expect(((await (await fetch(`${ui}/api/traces/${traceId}`)).json()) as { spanCount: number }).spanCount).toBe(1);
    expect(receiver.output()).toContain('log WARN outside any span · command-test\n');

    await post('metrics', durations([1, 3, 0, 0]));
    await post('metrics', durations([1, 3, 0, 0])); // the same count: no second line
    await post('metrics', durations([1, 3, 0, 1])); // a fifth request, over 25 ms
    await receiver.waitForOutput(/count 5/);
    const lines = receiver.output().split('\n').filter((line) => line.startsWith('metric '));
    expect(lines).toEqual([
      'metric http.server.request.duration · command-test · http.route=/server_request · count 4 · sum 24.0 ms · p50 ≈ 6.7 ms · p99 ≈ 9.9 ms',
      'metric http.server.request.duration · command-test · http.route=/server_request · count 5 · sum 24.0 ms · p50 ≈ 7.5 ms · p99 ≈ 25.0 ms',
    ]);
  });

  it('beside one app alone, as the README says: with OTEL_BSP_SCHEDULE_DELAY=500, OTEL_METRIC_EXPORT_INTERVAL=2000 and --trace-idle-ms 1000, a request\'s tree and metric line within seconds (the defaults: 5 s, 60 s and 6 s)', async () => {
    const receiver = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--trace-idle-ms', '1000']);
    const [, grpcPort] = await receiver.waitForOutput(/gRPC on localhost:(\d+)/);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${grpcPort}`, OTEL_BSP_SCHEDULE_DELAY: '500', OTEL_METRIC_EXPORT_INTERVAL: '2000' };
    const app = await startApp(APP_NAMES[0], { env });
    onTestFinished(async () => {
      await app.stop('SIGKILL');
    });
    expect((await fetch(`${app.url}/server_request?param=alone`)).status).toBe(200);
    // By the defaults, no tree could come before the receiver's 6 s of quiet, nor a metric line before 60 s.
    await receiver.waitForOutput(/SERVER GET \/server_request[^]*url\.query=param=alone/, 5_000);
    await receiver.waitForOutput(/metric http\.server\.request\.duration .*count 1\b/, 10_000);
  });

  it.each([
    { what: '--ui-port ui', args: ['--ui-port', 'ui'], env: {} as Record<string, string>, message: 'receiver: --ui-port="ui" is not a port number (0-65535)' },
    // Its own ports clashing: named as such, not as "another collector", and before it listens on any.
    { what: '--grpc-port 4318 (its own HTTP port by default)', args: ['--grpc-port', '4318', '--ui-port', '0'], env: {}, message: 'receiver: --grpc-port 4318 is also its --http-port (default 4318): give each its own port' },
    { what: '--ui-port equal to --grpc-port', args: ['--grpc-port', '14317', '--http-port', '0', '--ui-port', '14317'], env: {}, message: 'receiver: --grpc-port 14317 is also its --ui-port: give each its own port' },
    { what: 'TRACE_UI_PORT=70000', args: ['--grpc-port', '0', '--http-port', '0'], env: { TRACE_UI_PORT: '70000' }, message: 'receiver: TRACE_UI_PORT="70000" is not a port number (0-65535)' },
  ])('refuses $what with a message naming it, and exits 1, listening on no port', async ({ args, env, message }) => {
    // The start probe would add a `started: a listener` line for a port it listened on.
    const receiver = runReceiver(args, { ...env, ...START_PROBE });
    expect(await receiver.exited).toBe(1);
    expect(receiver.output().trim()).toBe(message);
  });

  it('says in one line of its own when its gRPC port is taken (a demo running beside it), and exits 1: no line of grpc-js\'s before it', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, 'localhost', resolve));
    onTestFinished(() => void holder.close());
    const port = (holder.address() as net.AddressInfo).port;
    const receiver = runReceiver(['--grpc-port', String(port), '--http-port', '0', '--ui-port', '0']);
    expect(await receiver.exited).toBe(1);
    expect(receiver.output()).toBe(`receiver: OTLP/gRPC port ${port} is already in use (another collector or receiver running?); stop it or choose another port\n`);
  });

  it('says so when the UI port is taken, and exits 1 (the running one goes on)', async () => {
    const first = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    const [, port] = await first.waitForOutput(/Trace UI: http:\/\/localhost:(\d+)/);
    const second = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', port]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`receiver: trace UI port ${port} is already in use`);
    expect((await fetch(`http://localhost:${port}/api/traces`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
