// The manual approach: no instrumentation library. Express middlewares create the SERVER span
// and record the request's duration with the OpenTelemetry API, as instrumentation-http would.
import { metrics, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, ValueType, context, type Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION, ATTR_URL_SCHEME, METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { requestAttributes } from './request-attributes.js';
import { watchRoutes, type RouteWatch } from './route-template.js';

// This file's instrumentation scope (give it your own name and version): a backend shows by it
// which code made a span or a metric.
const SCOPE = ['express-server-span', '1.0.0'] as const;
const tracer = trace.getTracer(...SCOPE);
// The semantic conventions' request metric, as instrumentation-http records it: seconds, their
// advised buckets, and the attributes below; whether the span is sampled or not.
const requestDuration = metrics.getMeter(...SCOPE).createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
  description: 'Duration of HTTP server requests.',
  unit: 's',
  valueType: ValueType.DOUBLE,
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
});

// Each request's routes, and the error a handler failed with (recorded on the span if answered with a 5xx).
type RequestState = { routes: RouteWatch; error?: unknown };
const requests = new WeakMap<Request, RequestState>();

/** Starts the SERVER span of each request and ends it when the response is done. Use it first. */
export const traceRequests: RequestHandler = (req, res, next) => {
  // Continue the caller's trace when a valid traceparent (and tracestate) came with the request.
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const attributes = requestAttributes(req);
  // Named after the method until the route is known; a method the conventions do not know is `HTTP`.
  const method = attributes[ATTR_HTTP_REQUEST_METHOD] === '_OTHER' ? 'HTTP' : req.method;
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
  const started = performance.now();
  const state: RequestState = { routes: watchRoutes(req) };
  requests.set(req, state);

  // 'close' also fires when the client went away before the answer: the span ends either way.
  res.once('close', () => {
    const status = res.statusCode;
    const route = state.routes.answered();
    const outcome: Attributes = { [ATTR_HTTP_RESPONSE_STATUS_CODE]: status };
    if (route) outcome[ATTR_HTTP_ROUTE] = route;
    // For a server only 5xx is an error: a 4xx (a 404, a body too large) is the client's mistake,
    // so neither its status nor an exception goes on the span.
    if (status >= 500) {
      outcome[ATTR_ERROR_TYPE] = String(status);
      span.setStatus({ code: SpanStatusCode.ERROR });
      if (state.error !== undefined) span.recordException(state.error instanceof Error ? state.error : String(state.error));
    }
    span.setAttributes(outcome);
    if (route) span.updateName(`${method} ${route}`);
    span.end();
    requestDuration.record((performance.now() - started) / 1000, {
      [ATTR_HTTP_REQUEST_METHOD]: attributes[ATTR_HTTP_REQUEST_METHOD],
      [ATTR_URL_SCHEME]: attributes[ATTR_URL_SCHEME],
      [ATTR_NETWORK_PROTOCOL_VERSION]: attributes[ATTR_NETWORK_PROTOCOL_VERSION],
      ...outcome,
    });
  });

  // Make the span current, so that the handlers' log records and spans are its children.
  context.with(trace.setSpan(parent, span), next);
};

/**
 * Use it after the routes: a request that reaches it was answered by none (a 404, or a handler
 * that called next()), so its span gets no http.route.
 */
export const forgetUnansweredRoute: RequestHandler = (req, _res, next) => {
  requests.get(req)?.routes.forget();
  next();
};

/** Use it before your error handler: keeps a handler's error for the SERVER span, then hands it on. */
export const recordError: ErrorRequestHandler = (error, req, _res, next) => {
  const state = requests.get(req);
  if (state) state.error = error;
  next(error);
};
