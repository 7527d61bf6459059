// Sends every request of test/user-service-requests.ts to the three copies of one build (an Express
// major, a module format), each exporting over OTLP/gRPC to its own receiver, then stops them with
// SIGTERM, which flushes what they hold: after this, the tests only read what arrived.
import { APP_NAMES, type AppName } from '@repo/app-catalogue';
import type { AppExit } from '@repo/app-process';
import { startReceiver, type Receiver } from '@repo/otlp-receiver';
import { histogramTotals, type Attributes, type ReceivedLogRecord, type ReceivedSpan } from '@repo/trace-model';
import { rawRequest, sendRaw } from './http-requests.ts';
import { startCopy, type RunningCopy, type ServiceCopy } from './service-copies.ts';
import { request, REQUEST_NAMES, type RequestName } from './user-service-requests.ts';

/** What one request left in one copy: its answer's status, its trace (none: []), the log records on that trace. */
export interface Observation {
  status: number;
  spans: ReceivedSpan[];
  logs: ReceivedLogRecord[];
}

export interface CopyCapture {
  observations: Record<RequestName, Observation>;
  /** The http.server.request.duration series, each with its count. */
  series: { attributes: Attributes; count: number }[];
  exit: AppExit;
  /** Seconds from the start line to the last answer, and to the exit after SIGTERM. */
  seconds: { run: number; stop: number };
}

// Each request names itself in its User-Agent, which every SERVER span records.
const userAgent = (name: RequestName) => `user-service-test/${REQUEST_NAMES.indexOf(name)}`;

/** Sends the request as written, byte for byte; returns its answer's status. */
function send(port: number, name: RequestName): Promise<number> {
  const { method = 'GET', path, headers = [], body } = request(name);
  const bodyHeaders = body === undefined ? [] : ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`];
  const head = rawRequest(`${method} ${path} HTTP/1.1`, [`Host: localhost:${port}`, `User-Agent: ${userAgent(name)}`, ...headers, ...bodyHeaders, 'Connection: close']);
  return sendRaw(port, head + (body ?? ''), { untilClosed: true });
}

/** One copy: started by the README's line, every request in order, stopped with SIGTERM. */
async function captureCopy(copy: ServiceCopy): Promise<CopyCapture> {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  let running: RunningCopy | undefined;
  try {
    const started = performance.now();
    running = await startCopy(copy, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint });
    const statuses: number[] = [];
    for (const name of REQUEST_NAMES) statuses.push(await send(running.port, name));
    const run = (performance.now() - started) / 1000;
    const exit = await running.stop('SIGTERM');
    return { observations: observe(receiver, statuses), series: seriesOf(receiver), exit, seconds: { run, stop: exit.ms / 1000 } };
  } catch (error) {
    await running?.stop('SIGKILL');
    throw error;
  } finally {
    await receiver.close();
  }
}

function observe(receiver: Receiver, statuses: number[]): Record<RequestName, Observation> {
  const spans = receiver.spans();
  const logs = receiver.logs();
  return Object.fromEntries(REQUEST_NAMES.map((name, i) => {
    const server = spans.filter((s) => s.kind === 'SERVER' && s.attributes['user_agent.original'] === userAgent(name));
    if (server.length > 1) throw new Error(`${server.length} SERVER spans for ${name}`);
    const traceId = server[0]?.traceId;
    return [name, { status: statuses[i]!, spans: spans.filter((s) => s.traceId === traceId), logs: logs.filter((r) => traceId && r.traceId === traceId) }];
  })) as Record<RequestName, Observation>;
}

const seriesOf = (receiver: Receiver) =>
  histogramTotals(receiver.metrics(), 'http.server.request.duration').map((p) => ({ attributes: p.attributes, count: Number(p.count) }));

/** The three copies of one build at once; a copy that fails is its own failure, the others go on. */
export async function captureBuild(copies: Record<AppName, ServiceCopy | Error>): Promise<Record<AppName, CopyCapture | Error>> {
  const settled = await Promise.allSettled(APP_NAMES.map((app) => {
    const copy = copies[app];
    return copy instanceof Error ? Promise.reject(copy) : captureCopy(copy);
  }));
  return Object.fromEntries(settled.map((s, i) => [APP_NAMES[i], s.status === 'fulfilled' ? s.value : s.reason as Error])) as Record<AppName, CopyCapture | Error>;
}
