// The benchmark's encode-on-end prototype (scripts/bench/prototypes/) loses nothing: each app,
// started by its own start script as shipped and again through the prototype, is sent the same
// requests; what arrives at a receiver from each, normalized as the equivalence suite does, is
// equal span for span and log record for log record, over gRPC and over HTTP/protobuf. Two
// negative controls: a prototype that drops items, and one whose resource differs, are caught.
import { APP_NAMES, type AppName } from '@repo/app-catalogue';
import { startReceiver } from '@repo/otlp-receiver';
import { diffTraces, formatDifferences, normalizeTrace } from '@repo/trace-diff';
import type { ReceivedLogRecord, ReceivedSpan } from '@repo/trace-model';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startAppForTest } from './app-fixture.ts';
import { inBatches } from './http-requests.ts';

const STAGES = path.join(import.meta.dirname, '..', 'scripts', 'bench', 'bench-stages.cjs');
const PROTOTYPE = { BENCH_STAGE: 'encode-on-end', NODE_OPTIONS: `--require ${STAGES}` };
// More than a batch of 512, so that full batches leave from a request and the rest from the flush at SIGTERM.
const PLAIN_REQUESTS = 600;
// Each request names itself in its User-Agent, which every SERVER span records.
const REQUESTS = [
  ...Array.from({ length: PLAIN_REQUESTS }, (_, i) => ({ agent: `prototype-test/${i}`, path: `/server_request?param=p${i}`, headers: {} })),
  { agent: 'prototype-test/throws', path: '/error', headers: {} },
  { agent: 'prototype-test/not-found', path: '/nothing-here', headers: {} },
  {
    agent: 'prototype-test/remote-parent', path: '/server_request?param=remote',
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=value' },
  },
];
type Protocol = 'grpc' | 'http/protobuf';

/** The app started by its start script with `env`, sent every request, stopped (SIGTERM flushes); what its receiver got. */
async function capture(app: AppName, protocol: Protocol, env: Record<string, string>, receiverDelayMs = 0) {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0, delayMs: receiverDelayMs });
  onTestFinished(() => receiver.close());
  const endpoint = protocol === 'grpc' ? receiver.grpcEndpoint : `http://localhost:${receiver.httpPort}`;
  const started = await startAppForTest(app, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, ...env } });
  await inBatches(REQUESTS.length, 10, (i) => fetch(`${started.url}${REQUESTS[i].path}`, { headers: { 'user-agent': REQUESTS[i].agent, ...REQUESTS[i].headers } }).then((r) => r.text()));
  const exit = await started.stop('SIGTERM');
  expect(exit.code, started.output()).toBe(0);
  // Through the prototype, the items it encoded, as bench-stages.cjs counts them at exit.
  const encoded = new RegExp(`^bench-stage pid=${started.pid} encode-on-end calls=(\\d+)$`, 'm').exec(started.output())?.[1];
  return { spans: receiver.spans(), logs: receiver.logs(), encoded: encoded === undefined ? undefined : Number(encoded) };
}

/** Each trace by the User-Agent of its SERVER span; each log record by that of its trace, and its body. */
function byRequest({ spans, logs }: { spans: ReceivedSpan[]; logs: ReceivedLogRecord[] }) {
  const agents = new Map(spans.filter((s) => s.kind === 'SERVER').map((s) => [s.traceId, String(s.attributes['user_agent.original'])]));
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const agent = agents.get(span.traceId) ?? `no SERVER span, trace ${span.traceId}`;
    traces.set(agent, [...(traces.get(agent) ?? []), span]);
  }
  const records = new Map<string, object>();
  for (const record of logs) {
    let key = `${agents.get(record.traceId ?? '') ?? 'no trace'}: ${String(record.body)}`;
    while (records.has(key)) key += ' (again)';
    const on = spans.find((s) => s.spanId === record.spanId);
    // Its resource is the one its spans carry (the trace comparison holds that one to the other run's).
    const resource = on && JSON.stringify(record.resource) === JSON.stringify(on.resource) ? 'that of its span' : record.resource;
    records.set(key, {
      body: record.body, severityNumber: record.severityNumber, severityText: record.severityText, attributes: record.attributes, flags: record.flags,
      eventName: record.eventName, scope: record.scope, resource, on: on && `${on.kind} ${on.name}`, timed: record.timeUnixNano > 0n && record.observedTimeUnixNano > 0n,
    });
  }
  return { traces, records };
}

/** Every difference between what the app sent as shipped and through the prototype, one line each. */
function differences(shipped: Parameters<typeof byRequest>[0], prototype: Parameters<typeof byRequest>[0]): string[] {
  const [left, right] = [byRequest(shipped), byRequest(prototype)];
  const found: string[] = [];
  for (const agent of new Set([...left.traces.keys(), ...right.traces.keys()])) {
    const [l, r] = [left.traces.get(agent), right.traces.get(agent)];
    if (!l || !r) found.push(`trace of ${agent}: ${l ? 'missing through the prototype' : 'only through the prototype'}`);
    else {
      const diff = diffTraces(normalizeTrace(l), normalizeTrace(r));
      if (diff.length) found.push(`trace of ${agent}:\n${formatDifferences(diff)}`);
    }
  }
  for (const key of new Set([...left.records.keys(), ...right.records.keys()])) {
    const [l, r] = [left.records.get(key), right.records.get(key)];
    if (JSON.stringify(l) !== JSON.stringify(r)) found.push(`log record ${key}: ${JSON.stringify(l)} ≠ ${JSON.stringify(r)}`);
  }
  return found;
}

describe.each(['grpc', 'http/protobuf'] as const)('over %s', (protocol) => {
  it.each(APP_NAMES)('%s: the same spans and log records arrive as shipped and through the encode-on-end prototype', async (app) => {
    const [shipped, prototype] = await Promise.all([capture(app, protocol, {}), capture(app, protocol, PROTOTYPE)]);
    // Every request traced, and logged where the route logs.
    expect(new Set(shipped.spans.filter((s) => s.kind === 'SERVER').map((s) => s.attributes['user_agent.original'])).size).toBe(REQUESTS.length);
    expect(shipped.logs.filter((r) => r.body === 'server_request').length).toBe(PLAIN_REQUESTS + 1);
    // Every item went through the prototype (none through the SDK's batch processors).
    expect(shipped.encoded).toBeUndefined();
    expect(prototype.encoded).toBe(prototype.spans.length + prototype.logs.length);
    expect(differences(shipped, prototype)).toEqual([]);
  });
});

// The negative controls need one app: the catalogue's first.
const CONTROL_APP: AppName = APP_NAMES[0];

it('a prototype that drops items is caught: queue of 64, a collector that answers after 1 s', async () => {
  const [shipped, lossy] = await Promise.all([
    capture(CONTROL_APP, 'grpc', {}),
    capture(CONTROL_APP, 'grpc', {
      ...PROTOTYPE, OTEL_BSP_MAX_QUEUE_SIZE: '64', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64', OTEL_BLRP_MAX_QUEUE_SIZE: '64', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '64',
    }, 1000),
  ]);
  const found = differences(shipped, lossy);
  expect(found.filter((line) => line.endsWith('missing through the prototype')).length).toBeGreaterThan(0);
  expect(found.filter((line) => line.startsWith('log record ') && line.endsWith('≠ undefined')).length).toBeGreaterThan(0);
});

it('a prototype whose resource differs is caught, in every trace', async () => {
  const [shipped, other] = await Promise.all([
    capture(CONTROL_APP, 'grpc', {}),
    capture(CONTROL_APP, 'grpc', { ...PROTOTYPE, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=elsewhere' }),
  ]);
  const found = differences(shipped, other);
  expect(found.length).toBe(REQUESTS.length);
  expect(found.every((line) => line.includes('resource["deployment.environment.name"]: (absent) ≠ elsewhere'))).toBe(true);
});
