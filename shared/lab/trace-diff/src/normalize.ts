import { placeSpans, showValue, type Attributes, type ReceivedSpan, type SpanKindName, type StatusCodeName } from '@repo/trace-model';

/** A span with what must differ between runs taken out, placed by its position in the tree. */
export interface NormalizedSpan {
  /** Its place in the tree: `0` is the first root, `0.1` that root's second child (siblings by name). */
  position: string;
  /** The parent's position; `remote <span id>` for a parent outside the trace (a caller); absent for a root. */
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

/** Where two traces differ, as data. */
export interface DifferenceLocation {
  /** The span's position in the tree (`0.1`); absent for the trace's resource. */
  position?: string;
  /** The span's field (`name`, `status`, `attributes`, `resource`, `events`…), or `resource` for the trace's; absent: the whole span, on one side only. */
  field?: string;
  /** Inside the field: an attribute or resource key (`url.query`), a sub-field (`code`), or a list index, outermost first. */
  keys: (string | number)[];
}

/** One difference between two traces: where, and the value on each side (undefined: absent). */
export interface Difference {
  location: DifferenceLocation;
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
  // Siblings by name: the SDK starts spans on whole milliseconds, so two express layers that run
  // one after the other can come in either order by time from one run to the next.
  const placed = placeSpans(spans, 'by name');
  const positions: string[] = [];
  const resources: string[] = [];
  const normalized = placed.map(({ span, parent, index }): NormalizedSpan => {
    const position = parent === undefined ? String(index) : `${positions[parent]}.${index}`;
    positions.push(position);
    const resource = normalizeAttributes(span.resource);
    resources.push(JSON.stringify(resource));
    return {
      position,
      ...(parent !== undefined ? { parent: positions[parent] } : span.parentSpanId && span.parentSpanId !== span.spanId ? { parent: `remote ${span.parentSpanId}` } : {}),
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
 * Every difference between two normalized traces. Spans are matched by their position in the
 * tree; a span on one side only is one difference (its kind and name against undefined).
 */
export function diffTraces(left: NormalizedTrace, right: NormalizedTrace): Difference[] {
  const differences: Difference[] = [];
  diffValues({ field: 'resource', keys: [] }, left.resource, right.resource, differences);
  const leftSpans = new Map(left.spans.map((span) => [span.position, span]));
  const rightSpans = new Map(right.spans.map((span) => [span.position, span]));
  for (const position of new Set([...leftSpans.keys(), ...rightSpans.keys()])) {
    const l = leftSpans.get(position);
    const r = rightSpans.get(position);
    if (!l || !r) {
      differences.push({ location: { position, keys: [] }, left: l && `${l.kind} ${l.name}`, right: r && `${r.kind} ${r.name}` });
      continue;
    }
    for (const field of new Set([...Object.keys(l), ...Object.keys(r)]) as Set<keyof NormalizedSpan>) {
      if (field !== 'position') diffValues({ position, field, keys: [] }, l[field], r[field], differences);
    }
  }
  return differences;
}

function diffValues(location: DifferenceLocation, left: unknown, right: unknown, out: Difference[]): void {
  const inside = (key: string | number) => ({ ...location, keys: [...location.keys, key] });
  if (isRecord(left) && isRecord(right)) {
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) diffValues(inside(key), left[key], right[key], out);
  } else if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
    left.forEach((item, i) => diffValues(inside(i), item, right[i], out));
  } else if (!same(left, right)) {
    out.push({ location, left, right });
  }
}

/**
 * A location as people read it, the one place it is written: `resource["service.name"]`,
 * `spans[0.1]`, `spans[0].status.code`, `spans[0].attributes["url.query"]`, `spans[0].events[0].name`.
 */
export function describeLocation({ position, field, keys }: DifferenceLocation): string {
  const start = position === undefined ? field! : `spans[${position}]${field ? `.${field}` : ''}`;
  return keys.reduce<string>((text, key) =>
    `${text}${typeof key === 'number' ? `[${key}]` : /^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`, start);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** A normalized trace's one-line-per-difference rendering, for test failures and `npm run compare`. */
export function formatDifferences(differences: Difference[]): string {
  return differences.map((d) => `${describeLocation(d.location)}: ${showValue(d.left)} ≠ ${showValue(d.right)}`).join('\n');
}
