// The compare page's JSON: the three apps' newest traces of one request, normalized and compared.
import { APP_NAMES, type AppName, APPS, explainDifference, explainUntraced, UNEXPLAINED } from '@repo/app-catalogue';
import { histogramTotals, type Attributes, type ReceivedMetricPoint, type ReceivedSpan } from '@repo/trace-model';
import { compareTraces, normalizeTrace, type DifferenceRow, type NormalizedTrace } from '@repo/trace-diff';
import { summarize, type TraceSummary } from './views';

export interface CompareColumn {
  app: AppName;
  service: string;
  /** The web engine its trace names (`express 4.21.2`), as the trace list shows it. */
  servedOn?: string;
  /** The app's newest trace of the request, normalized as diffTraces compares it. */
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
 * Without a request: `GET /server_request` if traced, else the first there is.
 */
export function compareRequest(traces: Map<string, ReceivedSpan[]>, wanted?: string, points: ReceivedMetricPoint[] = []): CompareView {
  const metric = requestMetric(points);
  const newest = new Map<string, { spans: ReceivedSpan[]; summary: TraceSummary }>();
  const services = new Set(APP_NAMES.map((name) => APPS[name].serviceName));
  for (const spans of traces.values()) {
    // Keyed by the app that served the request, whether it came straight or through the client.
    const summary = summarize(spans);
    if (!summary.servedBy || !services.has(summary.servedBy)) continue;
    const key = `${summary.servedBy} ${summary.request}`;
    if ((newest.get(key)?.summary.startTime ?? -Infinity) < summary.startTime) newest.set(key, { spans, summary });
  }
  const requests = [...new Set([...newest.values()].map(({ summary }) => summary.request!))].sort();
  const request = wanted ?? (requests.includes('GET /server_request') ? 'GET /server_request' : requests[0]);
  if (!request) return { requests, columns: APP_NAMES.map((app) => ({ app, service: APPS[app].serviceName, note: 'No trace yet.' })), rows: [], unexplained: UNEXPLAINED, requestMetric: metric };

  const urlPath = request.slice(request.indexOf(' ') + 1);
  const normalized: Partial<Record<AppName, NormalizedTrace>> = {};
  const columns = APP_NAMES.map((app): CompareColumn => {
    const found = newest.get(`${APPS[app].serviceName} ${request}`);
    const base = { app, service: APPS[app].serviceName };
    if (!found) return { ...base, note: explainUntraced(app, urlPath) };
    if (found.spans.length > MAX_COMPARED_SPANS) return { ...base, note: `Its trace has ${found.spans.length} spans, too many to compare.` };
    normalized[app] = normalizeTrace(found.spans);
    return { ...base, servedOn: found.summary.servedOn, trace: { traceId: found.summary.traceId, startTime: found.summary.startTime, ...normalized[app] } };
  });
  return { requests, request, columns, rows: compareTraces(normalized, (difference) => explainDifference({ ...difference, urlPath })), unexplained: UNEXPLAINED, requestMetric: metric };
}
