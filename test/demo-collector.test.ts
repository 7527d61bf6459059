// `npm run demo -- --collector <url>` against a collector of one's own: what it sends there, a
// backend that takes traces only, and one line for a collector it cannot use. On free ports.
import { APP_NAMES, APPS } from '@repo/app-catalogue';
import { startReceiver } from '@repo/otlp-receiver';
import { serviceOf } from '@repo/trace-model';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePorts } from '../scripts/local-ports.ts';
import { clientLines, printed, processesStarted, runDemo } from './demo-process.ts';
import { START_PROBE } from './start-probe-env.ts';

describe('npm run demo -- --collector', () => {
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
});
