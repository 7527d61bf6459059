// What the UI's JSON API answers, built from the spans the receiver keeps. Times become
// milliseconds (JSON has no bigint): since the epoch for a start, since the trace's start for offsets.
import { nanosToMillis, placeSpans, roundedStartNote, serviceOf, severityName, showValue, traceBounds, type Attributes, type ReceivedLogRecord, type ReceivedSpan, type SpanKindName, type StatusCodeName } from '@repo/trace-model';

export interface TraceSummary {
  traceId: string;
  /** The root span's service. */
  service: string;
  /** Every service with a span in the trace, in tree order: `client`, then the app it called. */
  services: string[];
  rootName: string;
  spanCount: number;
  durationMs: number;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** Some span has status ERROR. */
  hasError: boolean;
  /** The request the trace's first SERVER span served, `GET /server_request`; the compare page groups by it. */
  request?: string;
  /** The service of that SERVER span: the app that served the request, straight or through the client. */
  servedBy?: string;
  /** The web engine that service names in its resource (webengine.name and .version): `express 4.21.2`. */
  servedOn?: string;
  /** Its http.response.status_code: the list names a 404 so. */
  statusCode?: number;
}

export interface TraceList {
  services: string[];
  traces: TraceSummary[];
}

export interface SpanView {
  spanId: string;
  parentSpanId?: string;
  depth: number;
  name: string;
  kind: SpanKindName;
  status: { code: StatusCodeName; message?: string };
  scope: { name: string; version?: string };
  traceState?: string;
  offsetMs: number;
  durationMs: number;
  attributes: Attributes;
  events: { name: string; offsetMs: number; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  resource: Attributes;
  /** The log records made in this span, in time order. */
  logs: LogView[];
  /** Why it seems to start before its parent or end after it, by up to 1 ms (roundedStartNote). */
  roundedStart?: string;
}

export interface LogView {
  offsetMs: number;
  /** OTLP's name for its severity (INFO, ERROR…). */
  severity: string;
  body: string;
  attributes: Attributes;
}

/** A trace's summary and its spans, parents first: the first MAX_DETAIL_SPANS of spanCount. */
export interface TraceDetail extends TraceSummary {
  spans: SpanView[];
}

// More than a page can draw, and a bound on the answer's size whatever a sender sends.
export const MAX_DETAIL_SPANS = 1000;

export function groupTraces(spans: ReceivedSpan[]): Map<string, ReceivedSpan[]> {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const trace = traces.get(span.traceId);
    if (trace) trace.push(span);
    else traces.set(span.traceId, [span]);
  }
  return traces;
}

/** The newest `limit` traces, newest first; with `service`, those with a span of that service. */
export function listTraces(traces: Map<string, ReceivedSpan[]>, filter: { service?: string; limit: number }): TraceList {
  const services = new Set<string>();
  const matching: TraceSummary[] = [];
  for (const spans of traces.values()) {
    const own = new Set(spans.map(serviceOf));
    own.forEach((service) => services.add(service));
    if (!filter.service || own.has(filter.service)) matching.push(summarize(spans));
  }
  matching.sort((a, b) => b.startTime - a.startTime);
  return { services: [...services].sort(), traces: matching.slice(0, filter.limit) };
}

export function summarize(spans: ReceivedSpan[]): TraceSummary {
  const placed = placeSpans(spans).map(({ span }) => span);
  const root = placed[0];
  const { start, end } = traceBounds(spans);
  const served = servedRequest(placed);
  return {
    traceId: root.traceId,
    service: serviceOf(root),
    services: [...new Set(placed.map(serviceOf))],
    rootName: root.name,
    spanCount: spans.length,
    durationMs: nanosToMillis(end - start),
    startTime: nanosToMillis(start),
    hasError: spans.some((span) => span.status.code === 'ERROR'),
    ...served,
  };
}

/**
 * The request that the first SERVER span in tree order served (the root of a request sent
 * straight to an app, or under the client's spans), and the service that served it.
 */
function servedRequest(placed: ReceivedSpan[]): Pick<TraceSummary, 'request' | 'servedBy' | 'servedOn' | 'statusCode'> | undefined {
  const server = placed.find((span) => span.kind === 'SERVER');
  const method = server?.attributes['http.request.method'];
  const path = server?.attributes['url.path'];
  if (typeof method !== 'string' || typeof path !== 'string') return undefined;
  const { 'webengine.name': engine, 'webengine.version': version } = server!.resource;
  const status = server!.attributes['http.response.status_code'];
  return {
    request: `${method} ${path}`, servedBy: serviceOf(server!), ...(engine ? { servedOn: [engine, version].filter(Boolean).join(' ') } : {}),
    ...(typeof status === 'number' ? { statusCode: status } : {}),
  };
}


/** A trace's spans, and under each the log records made in it (`logs`: the trace's records). */
export function traceDetail(spans: ReceivedSpan[], logs: ReceivedLogRecord[] = []): TraceDetail {
  const { start } = traceBounds(spans);
  const logsOf = (spanId: string): LogView[] => logs.filter((record) => record.spanId === spanId)
    .sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0))
    .map((record) => ({ offsetMs: nanosToMillis(record.timeUnixNano - start), severity: severityName(record), body: showValue(record.body), attributes: record.attributes }));
  const placed = placeSpans(spans);
  return {
    ...summarize(spans),
    spans: placed.slice(0, MAX_DETAIL_SPANS).map(({ span, parent, depth }): SpanView => ({
      spanId: span.spanId,
      ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
      depth,
      name: span.name,
      kind: span.kind,
      status: span.status,
      scope: span.scope,
      ...(span.traceState ? { traceState: span.traceState } : {}),
      offsetMs: nanosToMillis(span.startTimeUnixNano - start),
      durationMs: nanosToMillis(span.endTimeUnixNano - span.startTimeUnixNano),
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, offsetMs: nanosToMillis(event.timeUnixNano - start), attributes: event.attributes })),
      links: span.links,
      resource: span.resource,
      logs: logsOf(span.spanId),
      roundedStart: parent === undefined ? undefined : roundedStartNote(span, placed[parent].span),
    })),
  };
}
