// `npm run client` (scripts/client.ts) when things go wrong: what it says, how it exits, and
// that its spans still reach the collector. The happy path is in test/equivalence.test.ts.
import { APP_NAMES } from '@repo/app-catalogue';
import { startReceiver, type Receiver } from '@repo/otlp-receiver';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './client-process.ts';
import { START_PROBE } from './start-probe-env.ts';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ grpcPort: 0, httpPort: null });
});
afterAll(() => receiver?.close());

/** A server on a free port, closed after `use`. */
async function withServer(server: net.Server, use: (port: number) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  try {
    await use((server.address() as net.AddressInfo).port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const clientSpans = (param: string) => receiver.spans().filter((s) => s.name === 'client-server' && String(s.attributes['url.full']).endsWith(`param=${param}`));

// The app each failure case names with --app: any will do, the server behind --port is the test's.
const [REFUSING_APP, DROPPING_APP] = APP_NAMES.slice(1);

describe('npm run client', () => {
  it('an app that answers 503: prints the answer and one error line, exits 1, and exports its CLIENT span with error.type "503"', async () => {
    await withServer(http.createServer((_req, res) => res.writeHead(503).end('busy')), async (port) => {
      const run = await runClient(['refused', '--app', REFUSING_APP, '--port', String(port)], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint });
      expect(run.code).toBe(1);
      expect(run.output).toMatch(new RegExp(`^client: GET http://localhost:${port}/server_request\\?param=refused -> 503 busy · trace [0-9a-f]{32}\\nclient: ${REFUSING_APP} answered 503\\n$`));
    });
    expect(clientSpans('refused')).toMatchObject([{ kind: 'CLIENT', status: { code: 'ERROR' }, attributes: expect.objectContaining({ 'error.type': '503', 'http.response.status_code': 503 }) }]);
  });

  it('an app that drops the connection: says it did not answer, exits 1, and exports the span with the exception', async () => {
    await withServer(net.createServer((socket) => socket.destroy()), async (port) => {
      const run = await runClient(['dropped', '--app', DROPPING_APP, '--port', String(port)], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint });
      expect(run.code).toBe(1);
      expect(run.output).toContain(`client: ${DROPPING_APP} at http://localhost:${port} did not answer (`);
    });
    const [span] = clientSpans('dropped');
    expect(span).toMatchObject({ status: { code: 'ERROR' } });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.attributes).not.toHaveProperty('http.response.status_code');
  });

  it.each([
    [['x', '--app', 'nginx'], `client: --app "nginx" is not one of ${APP_NAMES.join(', ')}, all`],
    [[], 'client: usage: npm run client -- <param> [options] (--help says more)'],
    [['x', '--port', '8081'], 'client: --port goes with one --app'],
    [['x', '--app', APP_NAMES[0], '--port', 'eighty'], 'client: --port="eighty" is not a port number (0-65535)'],
  ])('refuses %j in one line, exits 2, sends nothing', async (args, message) => {
    // The probe would add a `started: a connection` line for a request or an export sent.
    const run = await runClient(args, START_PROBE);
    expect(run).toEqual({ code: 2, output: `${message}\n` });
  });
});
