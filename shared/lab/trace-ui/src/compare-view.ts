// The compare page's JSON: the three apps' newest traces of one request, normalized and compared
// like with like: each app's SERVER span and the spans under it, whatever sent the request (the
// client's spans above it, or nothing: a curl).
import { APP_NAMES, type AppName, APPS, appsTracing, explainDifference, explainUntraced, UNEXPLAINED } from '@repo/app-catalogue';
import { histogramTotals, placeSpans, type Attributes, type ReceivedMetricPoint, type ReceivedSpan } from '@repo/trace-model';
import { compareTraces, normalizeTrace, type DifferenceRow, type NormalizedTrace } from '@repo/trace-diff';
import { summarize, type TraceSummary } from './views';

export interface CompareColumn {
  app: AppName;
  service: string;
  /** The web engine its trace names (`express 4.21.2`), as the trace list shows it. */
  servedOn?: string;
  /** The app's newest trace of the request from its SERVER span down, normalized as diffTraces compares it. */
  trace?: NormalizedTrace & { traceId: string; startTime: number };
  /** Why there is no trace to show. */
  note?: string;
}

export interface CompareView {
  /** Every request that one of the three apps has traced. */
  requests: string[];
  request?: string;
  columns: CompareColumn[];
  rows: DifferenceRow<AppName>[];
  /** The explanation of a difference that is none of the known ones, to mark such rows. */
  unexplained: string;
  /** Each app's http.server.request.duration, one entry per series (attribute set), its latest point. */
  requestMetric: Record<AppName, MetricSeries[]>;
  /**
   * Fewer than two apps traced the request: nothing to compare yet. The apps that did, and the
   * others that would (not those that leave it untraced), each with the curl for it if its port is known.
   */
  tooFew?: { traced: AppName[]; send: { app: AppName; command?: string }[] };
}

/** One series of a histogram: its attributes, and its latest (cumulative) count, sum and buckets. */
export interface MetricSeries {
  attributes: Attributes;
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
}

/** The request metric of each app: each series as its total so far. */
export function requestMetric(points: ReceivedMetricPoint[]): Record<AppName, MetricSeries[]> {
  const totals = histogramTotals(points, 'http.server.request.duration');
  return Object.fromEntries(APP_NAMES.map((app) => [app, totals
    .filter((point) => point.resource['service.name'] === APPS[app].serviceName)
    .map((point) => ({ attributes: point.attributes, count: Number(point.count), sum: point.sum ?? 0, bucketCounts: point.bucketCounts.map(Number), explicitBounds: point.explicitBounds }))
    .sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)))])) as Record<AppName, MetricSeries[]>;
}

// normalizeTrace's positions grow with depth; a trace this large is no request of the three apps.
const MAX_COMPARED_SPANS = 1000;

/**
 * The three apps' newest traces of one request, normalized, and compareTraces's rows for them.
 * Without a request: `GET /server_request` if traced, else the first there is; a path alone: its GET.
 */
export function compareRequest(traces: Map<string, ReceivedSpan[]>, wanted?: string, points: ReceivedMetricPoint[] = []): CompareView {
  const metric = requestMetric(points);
  const newest = new Map<string, { spans: ReceivedSpan[]; summary: TraceSummary }>();
  const services = new Set(APP_NAMES.map((name) => APPS[name].serviceName));
  // Each app's port, as its newest SERVER span says: for the curl that would send it a request.
  const ports = new Map<string, { port: number; time: number }>();
  for (const spans of traces.values()) {
    // Keyed by the app that served the request, whether it came straight or through the client.
    const summary = summarize(spans);
    if (!summary.servedBy || !services.has(summary.servedBy)) continue;
    const key = `${summary.servedBy} ${summary.request}`;
    if ((newest.get(key)?.summary.startTime ?? -Infinity) < summary.startTime) newest.set(key, { spans, summary });
    const port = serverSubtree(spans)[0].attributes['server.port'];
    if (typeof port === 'number' && (ports.get(summary.servedBy)?.time ?? -Infinity) < summary.startTime) ports.set(summary.servedBy, { port, time: summary.startTime });
  }
  const requests = [...new Set([...newest.values()].map(({ summary }) => summary.request!))].sort();
  // A request named without its method (`/error`, as one types it) is the GET.
  const request = wanted?.startsWith('/') ? `GET ${wanted}` : wanted ?? (requests.includes('GET /server_request') ? 'GET /server_request' : requests[0]);
  if (!request) return { requests, columns: APP_NAMES.map((app) => ({ app, service: APPS[app].serviceName, note: 'No trace yet.' })), rows: [], unexplained: UNEXPLAINED, requestMetric: metric };

  const [method, urlPath] = [request.slice(0, request.indexOf(' ')), request.slice(request.indexOf(' ') + 1)];
  const normalized: Partial<Record<AppName, NormalizedTrace>> = {};
  const columns = APP_NAMES.map((app): CompareColumn => {
    const found = newest.get(`${APPS[app].serviceName} ${request}`);
    const base = { app, service: APPS[app].serviceName };
    if (!found) return { ...base, note: explainUntraced(app, urlPath) };
    if (found.spans.length > MAX_COMPARED_SPANS) return { ...base, note: `Its trace has ${found.spans.length} spans, too many to compare.` };
    normalized[app] = normalizeTrace(serverSubtree(found.spans));
    return { ...base, servedOn: found.summary.servedOn, trace: { traceId: found.summary.traceId, startTime: found.summary.startTime, ...normalized[app] } };
  });
  const view = { requests, request, columns, unexplained: UNEXPLAINED, requestMetric: metric };
  const traced = APP_NAMES.filter((app) => normalized[app]);
  if (traced.length >= 2) return { ...view, rows: compareTraces(normalized, (difference) => explainDifference({ ...difference, urlPath })) };
  const send = APP_NAMES.filter((app) => !normalized[app] && appsTracing(urlPath).includes(app)).map((app) => {
    const port = ports.get(APPS[app].serviceName)?.port;
    return port === undefined ? { app } : { app, command: `curl ${method === 'GET' ? '' : `-X ${method} `}'http://localhost:${port}${urlPath}'` };
  });
  return { ...view, rows: [], tooFew: { traced, send } };
}

/**
 * The first SERVER span in tree order and the spans under it, the SERVER span made a root: what an
 * app made of a request, whatever sent it (the client's spans above it, or nothing).
 */
function serverSubtree(spans: ReceivedSpan[]): ReceivedSpan[] {
  const placed = placeSpans(spans).map(({ span }) => span);
  const server = placed.find((span) => span.kind === 'SERVER');
  if (!server) return spans;
  const { parentSpanId: _caller, ...root } = server;
  const ids = new Set([server.spanId]);
  const under = placed.filter((span) => span !== server && span.parentSpanId !== undefined && ids.has(span.parentSpanId) && ids.add(span.spanId));
  return [root, ...under];
}
