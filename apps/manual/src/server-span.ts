// The manual approach: no instrumentation library. Express middlewares create the SERVER span
// and record the request's duration with the OpenTelemetry API, as instrumentation-http would.
import { context, metrics, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, ValueType, type Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_SCHEME,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import { requestAttributes } from './request-attributes.js';

const tracer = trace.getTracer('otel-three-ways-manual');
// The semantic conventions' request metric, as instrumentation-http records it: seconds, their
// advised buckets, and the attributes below; whether the span is sampled or not.
const requestDuration = metrics.getMeter('otel-three-ways-manual').createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
  description: 'Duration of HTTP server requests.',
  unit: 's',
  valueType: ValueType.DOUBLE,
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
});
// The route that answered each request, with its router's prefix (/api/items/:id).
const matchedRoutes = new WeakMap<Request, string>();

/** Run on each request's attributes before its span starts: only for instrumentation-http-compat.ts, a preload of this project's. */
export const startSpanHooks: ((attributes: Attributes, req: IncomingMessage) => void)[] = [];

/** Starts the SERVER span of each request and ends it when the response is done. Use it first. */
export const traceRequests: RequestHandler = (req, res, next) => {
  // Continue the caller's trace when a valid traceparent (and tracestate) came with the request.
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const attributes = requestAttributes(req);
  for (const hook of startSpanHooks) hook(attributes, req);
  // Named after the method until the route is known, as the semantic conventions ask.
  const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes }, parent);
  const started = performance.now();
  recordRoutes(req);

  // 'close' also fires when the client went away before the answer: the span ends either way.
  res.once('close', () => {
    const status = res.statusCode;
    const route = matchedRoutes.get(req);
    const outcome: Attributes = { [ATTR_HTTP_RESPONSE_STATUS_CODE]: status };
    if (route) outcome[ATTR_HTTP_ROUTE] = route;
    // For a server only 5xx is an error: a 404 is the client's mistake, not the service's.
    if (status >= 500) outcome[ATTR_ERROR_TYPE] = String(status);
    span.setAttributes(outcome);
    if (route) span.updateName(`${req.method} ${route}`);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    requestDuration.record((performance.now() - started) / 1000, {
      [ATTR_HTTP_REQUEST_METHOD]: attributes[ATTR_HTTP_REQUEST_METHOD],
      [ATTR_URL_SCHEME]: attributes[ATTR_URL_SCHEME],
      [ATTR_NETWORK_PROTOCOL_VERSION]: attributes[ATTR_NETWORK_PROTOCOL_VERSION],
      ...outcome,
    });
  });

  // Make the span current, so that handlers and recordError below find it.
  context.with(trace.setSpan(parent, span), next);
};

/**
 * Express sets req.route as it enters a route. Its path is read with req.baseUrl at that moment:
 * a mounted router (app.use('/api', router)) restores baseUrl when it hands an error out, so
 * reading both when the response ends would lose the /api prefix. This watches an assignment
 * Express makes internally (seen in Express 4.21 and 5.3, held by the equivalence suite on both);
 * a route given as a string is assumed, as these apps give.
 * Why not a documented hook: Express 5's router publishes each matched layer on the
 * `express.router.request` diagnostics channel, but Express 4 has no such channel.
 */
function recordRoutes(req: Request): void {
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path: string }) {
      route = value;
      matchedRoutes.set(req, `${req.baseUrl}${value.path}`);
    },
  });
}

/**
 * Use it after the routes: a request that reaches it was answered by none (a 404, or a handler
 * that called next()), so its span gets no http.route.
 */
export const forgetUnansweredRoute: RequestHandler = (req, _res, next) => {
  matchedRoutes.delete(req);
  next();
};

/** Records a handler's error on the SERVER span, then hands it on to the app's error handler. */
export const recordError: ErrorRequestHandler = (error, _req, _res, next) => {
  trace.getActiveSpan()?.recordException(error instanceof Error ? error : String(error));
  next(error);
};
