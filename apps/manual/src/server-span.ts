// The manual approach: no instrumentation library. Two Express middlewares create the SERVER
// span with the OpenTelemetry API, as instrumentation-http would.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { requestAttributes } from './request-attributes.js';

const tracer = trace.getTracer('otel-three-ways-manual');

/** Starts the SERVER span of each request and ends it when the response is done. Use it first. */
export const traceRequests: RequestHandler = (req, res, next) => {
  // Continue the caller's trace when a valid traceparent (and tracestate) came with the request.
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  // Named after the method until the route is known, as the semantic conventions ask.
  const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: requestAttributes(req) }, parent);

  // 'close' also fires when the client went away before the answer: the span ends either way.
  res.once('close', () => {
    const status = res.statusCode;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    // Express sets req.route when a route matched; unknown paths (404) have none.
    if (req.route) {
      const route = `${req.baseUrl}${String(req.route.path)}`;
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${req.method} ${route}`);
    }
    // For a server only 5xx is an error: a 404 is the client's mistake, not the service's.
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  });

  // Make the span current, so that handlers and recordError below find it.
  context.with(trace.setSpan(parent, span), next);
};

/** Records a handler's error on the SERVER span, then hands it on to the app's error handler. */
export const recordError: ErrorRequestHandler = (error, _req, _res, next) => {
  trace.getActiveSpan()?.recordException(error instanceof Error ? error : String(error));
  next(error);
};
