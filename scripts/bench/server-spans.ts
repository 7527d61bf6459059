// Spans shaped like the apps' SERVER spans (13 attributes), for the benchmark's measurements of
// the SDK and of the receiver without an app.
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** Starts and ends one SERVER span with the attributes a request to /server_request gets. */
export function recordServerSpan(tracer: Tracer, i: number): void {
  tracer.startSpan('GET /server_request', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET', 'url.scheme': 'http', 'url.path': '/server_request', 'url.query': `param=${i}`,
      'server.address': 'localhost', 'server.port': 8080, 'client.address': '::1', 'network.peer.address': '::1',
      'network.peer.port': 50000 + (i % 10000), 'network.protocol.version': '1.1', 'user_agent.original': 'autocannon',
      'http.response.status_code': 200, 'http.route': '/server_request',
    },
  }).end();
}

/** `size` finished SERVER spans. */
export function makeBatch(size: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < size; i++) recordServerSpan(tracer, i);
  return memory.getFinishedSpans();
}
