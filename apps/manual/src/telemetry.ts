// The manual approach: no instrumentation library. This file sets up the SDK and gives the app
// two Express middlewares that create the SERVER span with the OpenTelemetry API.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { createSpanProcessors, readTelemetryConfig } from '@repo/telemetry-config';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';

const config = readTelemetryConfig({ serviceName: 'manual-instrument-service' });

// Even with no instrumentations, start() is needed: it registers the tracer provider, the W3C
// propagator that extract() uses, and the AsyncLocalStorage context manager that makes the
// span "active" inside the route handlers.
export const sdk = new NodeSDK({
  serviceName: config.serviceName,
  spanProcessors: createSpanProcessors(config),
  // Traces only, as in the Python original (--metrics_exporter none --logs_exporter none).
  metricReaders: [],
  logRecordProcessors: [],
  instrumentations: [],
});
sdk.start();

const tracer = trace.getTracer('otel-three-ways-manual');

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
// The semantic conventions ask for these query values to be redacted; it is the list that
// instrumentation-http uses by default.
const SENSITIVE_QUERY_KEYS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

/** Starts the SERVER span of each request and ends it when the response is done. Use it first. */
export const traceRequests: RequestHandler = (req, res, next) => {
  // Continue the caller's trace when a valid traceparent (and tracestate) came with the request.
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  // Named after the method until the route is known, as the semantic conventions ask.
  const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: requestAttributes(req) }, parent);

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

function requestAttributes(req: Request): Attributes {
  const method = KNOWN_METHODS.has(req.method) ? req.method : '_OTHER';
  const url = new URL(req.originalUrl, 'http://localhost');
  const host = parseHost(req.headers.host);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: 'http',
    [ATTR_URL_PATH]: url.pathname,
    [ATTR_SERVER_ADDRESS]: host?.hostname,
    [ATTR_SERVER_PORT]: host ? Number(host.port || 80) : undefined,
    [ATTR_CLIENT_ADDRESS]: req.socket.remoteAddress,
    [ATTR_NETWORK_PEER_ADDRESS]: req.socket.remoteAddress,
    [ATTR_NETWORK_PEER_PORT]: req.socket.remotePort,
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
    [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'],
  };
  if (url.search) attributes[ATTR_URL_QUERY] = redactQuery(url.searchParams);
  if (method !== req.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = req.method;
  return attributes;
}

function parseHost(header: string | undefined): URL | undefined {
  try {
    return header ? new URL(`http://${header}`) : undefined;
  } catch {
    return undefined; // a malformed Host header leaves server.address unset rather than failing the request
  }
}

function redactQuery(params: URLSearchParams): string {
  for (const key of SENSITIVE_QUERY_KEYS) {
    if (params.has(key)) params.set(key, 'REDACTED');
  }
  return params.toString();
}
