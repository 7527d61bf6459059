import type { AttributeValue, ReceivedSpan } from './otlp';

// The attributes worth a glance in a tree; everything else is in receiver.spans().
const KEY_ATTRIBUTES = ['http.response.status_code', 'http.route', 'url.query', 'error.type', 'express.type', 'express.name'];

/**
 * One trace as an indented tree, children under parents in start order:
 *
 *   trace 4bf92f3577b34da6a3ce929d0e0e4736 · manual-instrument-service · 1 span · 1.2 ms
 *   └─ SERVER GET /server_request · 1.2 ms · http.response.status_code=200 http.route=/server_request
 */
export function formatTrace(spans: ReceivedSpan[]): string {
  if (spans.length === 0) return '(no spans)';
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of spans) {
    // A span whose parent is not here (a remote caller, or not yet arrived) is drawn as a root.
    const parent = span.parentSpanId && byId.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));

  const roots = children.get(undefined) ?? [];
  const services = [...new Set(spans.map(serviceOf))];
  const start = spans.reduce((min, s) => (s.startTimeUnixNano < min ? s.startTimeUnixNano : min), spans[0].startTimeUnixNano);
  const end = spans.reduce((max, s) => (s.endTimeUnixNano > max ? s.endTimeUnixNano : max), spans[0].endTimeUnixNano);
  const lines = [
    `trace ${spans[0].traceId} · ${services.join(', ')} · ${spans.length} span${spans.length === 1 ? '' : 's'} · ${millis(end - start)}`,
  ];

  const drawn = new Set<ReceivedSpan>();
  const draw = (span: ReceivedSpan, prefix: string, last: boolean) => {
    drawn.add(span);
    const parts = [`${span.kind} ${span.name}`, millis(span.endTimeUnixNano - span.startTimeUnixNano)];
    if (span.status.code === 'ERROR') parts.push(`ERROR${span.status.message ? ` ${span.status.message}` : ''}`);
    const shown = KEY_ATTRIBUTES.filter((key) => key in span.attributes).map((key) => `${key}=${show(span.attributes[key])}`);
    if (shown.length) parts.push(shown.join(' '));
    if (span.parentSpanId && !byId.has(span.parentSpanId)) parts.push(`parent ${span.parentSpanId} (remote)`);
    if (services.length > 1) parts.push(`[${serviceOf(span)}]`);
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${parts.join(' · ')}`);
    const inner = `${prefix}${last ? '   ' : '│  '}`;
    for (const event of span.events) {
      const message = event.attributes['exception.message'];
      lines.push(`${inner}  ! ${event.name}${message === undefined ? '' : `: ${show(message)}`}`);
    }
    const kids = (children.get(span.spanId) ?? []).filter((kid) => !drawn.has(kid));
    kids.forEach((kid, i) => draw(kid, inner, i === kids.length - 1));
  };
  roots.forEach((root, i) => draw(root, '', i === roots.length - 1));
  // Spans in a parent cycle (only from a broken sender) have no root; draw them anyway.
  for (const span of spans) if (!drawn.has(span)) draw(span, '', true);
  return lines.join('\n');
}

function serviceOf(span: ReceivedSpan): string {
  return String(span.resource['service.name'] ?? 'unknown service');
}

function millis(nanos: bigint): string {
  return `${(Number(nanos) / 1e6).toFixed(1)} ms`;
}

function show(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
