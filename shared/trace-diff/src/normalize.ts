import { placeSpans, type Attributes, type AttributeValue, type ReceivedSpan, type SpanKindName, type StatusCodeName } from '@repo/otlp-receiver';

/** A span with what must differ between runs taken out, placed by its position in the tree. */
export interface NormalizedSpan {
  /** Its place in the tree: `0` is the first root, `0.1` that root's second child (by start time). */
  path: string;
  /** The parent's path; `remote <span id>` for a parent outside the trace (a caller); absent for a root. */
  parent?: string;
  name: string;
  kind: SpanKindName;
  status: { code: StatusCodeName; message?: string };
  scope: { name: string; version?: string };
  traceState?: string;
  /** Its resource, only where it is not its parent's: where the trace passes to another service. */
  resource?: Attributes;
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
  links: { attributes: Attributes }[];
}

/** One trace, normalized: the resource of its root span and its spans, parents first. */
export interface NormalizedTrace {
  resource: Attributes;
  spans: NormalizedSpan[];
}

/** One difference between two traces: where, and the value on each side (undefined: absent). */
export interface Difference {
  path: string;
  left: unknown;
  right: unknown;
}

// Values that change with every run, port or machine. Ids and times are dropped altogether;
// a span's place in the tree stands in for its id.
const PLACEHOLDERS: Record<string, string> = {
  'server.port': '<port>',
  'network.peer.port': '<port>',
  'process.pid': '<pid>',
  'process.parent_pid': '<pid>',
  'host.name': '<host>',
  'host.id': '<host>',
  'service.instance.id': '<instance>',
  // Absolute paths of the checkout and of node.
  'process.command': '<command>',
  'process.command_args': '<command>',
  'process.command_line': '<command>',
  'process.executable.path': '<command>',
  // File paths and line numbers.
  'exception.stacktrace': '<stacktrace>',
};

export function normalizeTrace(spans: ReceivedSpan[]): NormalizedTrace {
  const placed = placeSpans(spans);
  const paths: string[] = [];
  const resources: string[] = [];
  const normalized = placed.map(({ span, parent, index }): NormalizedSpan => {
    const path = parent === undefined ? String(index) : `${paths[parent]}.${index}`;
    paths.push(path);
    const resource = normalizeAttributes(span.resource);
    resources.push(JSON.stringify(resource));
    return {
      path,
      ...(parent !== undefined ? { parent: paths[parent] } : span.parentSpanId && span.parentSpanId !== span.spanId ? { parent: `remote ${span.parentSpanId}` } : {}),
      name: span.name,
      kind: span.kind,
      status: span.status,
      scope: span.scope,
      ...(span.traceState ? { traceState: span.traceState } : {}),
      ...(parent !== undefined && resources.at(-1) !== resources[parent] ? { resource } : {}),
      attributes: normalizeAttributes(span.attributes),
      events: span.events.map((event) => ({ name: event.name, attributes: normalizeAttributes(event.attributes) })),
      links: span.links.map((link) => ({ attributes: normalizeAttributes(link.attributes) })),
    };
  });
  return { resource: normalizeAttributes(placed[0]?.span.resource ?? {}), spans: normalized };
}

function normalizeAttributes(attributes: Attributes): Attributes {
  const result: Attributes = {};
  for (const key of Object.keys(attributes).sort()) result[key] = PLACEHOLDERS[key] ?? attributes[key];
  // A client's URL holds the port it called, as server.port does.
  if (typeof result['url.full'] === 'string') result['url.full'] = result['url.full'].replace(/^(\w+:\/\/[^/?#]*?):\d+(?=[/?#]|$)/, '$1:<port>');
  return result;
}

/**
 * Every difference between two normalized traces. Spans are matched by their place in the tree;
 * a span on one side only is one difference (`spans[0.1]`, its kind and name against undefined).
 */
export function diffTraces(left: NormalizedTrace, right: NormalizedTrace): Difference[] {
  const differences: Difference[] = [];
  diffValues('resource', left.resource, right.resource, differences);
  const leftSpans = new Map(left.spans.map((span) => [span.path, span]));
  const rightSpans = new Map(right.spans.map((span) => [span.path, span]));
  for (const path of new Set([...leftSpans.keys(), ...rightSpans.keys()])) {
    const l = leftSpans.get(path);
    const r = rightSpans.get(path);
    if (!l || !r) {
      differences.push({ path: `spans[${path}]`, left: l && `${l.kind} ${l.name}`, right: r && `${r.kind} ${r.name}` });
      continue;
    }
    const { path: _l, ...leftFields } = l;
    const { path: _r, ...rightFields } = r;
    diffValues(`spans[${path}]`, leftFields, rightFields, differences);
  }
  return differences;
}

function diffValues(path: string, left: unknown, right: unknown, out: Difference[]): void {
  if (isRecord(left) && isRecord(right)) {
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      diffValues(`${path}${/^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`, left[key], right[key], out);
    }
  } else if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
    left.forEach((item, i) => diffValues(`${path}[${i}]`, item, right[i], out));
  } else if (!same(left, right)) {
    out.push({ path, left, right });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** A normalized trace's one-line-per-difference rendering, for test failures and `npm run compare`. */
export function formatDifferences(differences: Difference[]): string {
  return differences.map((d) => `${d.path}: ${show(d.left)} ≠ ${show(d.right)}`).join('\n');
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value as AttributeValue);
}
