// The compare page: one request, the three apps' traces side by side, the differences marked
// with their numbers and listed with their reasons.
import type { DifferenceLocation } from '@repo/trace-diff';
import type { CompareColumn, CompareView, MetricSeries } from '../compare-view.js';
import { compareLink, el, load, show, time } from './page.mjs';

export function drawCompare(redraw: () => void): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('request') ?? '';
  return load<CompareView>(`/api/compare${wanted ? `?request=${encodeURIComponent(wanted)}` : ''}`, (compare) => {
    const picker = el('select', { id: 'request', 'aria-label': 'Request' }, ...compare.requests.map((name) => el('option', { value: name }, name)));
    if (compare.request) picker.value = compare.request;
    picker.onchange = () => {
      history.replaceState(null, '', compareLink(picker.value));
      redraw();
    };
    // The rows of the differences that each place belongs to, to mark it with their numbers.
    const marks = new Map<string, number[]>();
    compare.rows.forEach((row, i) => marks.set(place(row.location), [...(marks.get(place(row.location)) ?? []), i + 1]));
    const mark = (key: string) => marks.has(key) && el('sup', { class: 'diff-mark' }, marks.get(key)!.join(','));
    const differs = (...keys: string[]) => (keys.some((key) => marks.has(key)) ? 'differs' : '');
    const positions = [...new Set(compare.columns.flatMap((column) => column.trace?.spans.map((span) => span.position) ?? []))].sort(byTreeOrder);

    const cell = (column: CompareColumn, position: string) => {
      if (!column.trace) return el('td', { class: 'untraced' }, column.note);
      const span = column.trace.spans.find((candidate) => candidate.position === position);
      const at = (field: string) => `span ${position} ${field}`;
      if (!span) return el('td', { class: 'absent differs' }, 'no span here', mark(`span ${position}`));
      const head = ['name', 'kind', 'status', 'parent', 'traceState', 'links'].map(at);
      return el('td', { class: differs(`span ${position}`) },
        el('div', { class: `span-head ${differs(...head)}` },
          el('span', { class: `kind kind-${span.kind}` }, span.kind), span.name, span.status.code === 'ERROR' && el('span', { class: 'mark' }, '✗'),
          mark(`span ${position}`), ...head.map(mark)),
        el('div', { class: `scope ${differs(at('scope'))}` }, `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`, mark(at('scope'))),
        // Where the trace passes to another service (client → app), that service.
        span.resource && el('div', { class: `service ${differs(at('resource'))}` }, `service: ${show(span.resource['service.name'] ?? '(none)')}`, mark(at('resource'))),
        el('ul', { class: 'attributes' }, ...Object.entries(span.attributes).map(([key, value]) =>
          el('li', { class: differs(at(`attribute ${key}`)) }, el('span', { class: 'key' }, key), ' ', show(value), mark(at(`attribute ${key}`))))),
        (span.events.length > 0 || marks.has(at('events'))) &&
          el('div', { class: `events ${differs(at('events'))}` }, `events: ${span.events.map((event) => event.name).join(', ') || 'none'}`, mark(at('events'))),
      );
    };
    const resourceKeys = [...new Set(compare.rows.map((row) => place(row.location)).filter((key) => key.startsWith('resource ')))];
    const grid = el('table', { class: 'compare' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), ...compare.columns.map((column) =>
        el('th', {}, column.app, el('div', { class: 'quiet' }, column.service), column.servedOn && el('div', { class: 'quiet' }, column.servedOn), column.trace && el('a', { href: `/trace/${column.trace.traceId}` }, time(column.trace.startTime)))))),
      el('tbody', {},
        el('tr', {}, el('th', {}, 'resource'), ...compare.columns.map((column) => el('td', { class: resourceKeys.length && column.trace ? 'differs' : '' },
          column.trace ? el('ul', { class: 'attributes' }, ...resourceKeys.map((key) => el('li', { class: 'differs' }, el('span', { class: 'key' }, key.slice('resource '.length)), ' ', show(column.trace!.resource[key.slice('resource '.length)]), mark(key))),
            el('li', { class: 'quiet' }, `${Object.keys(column.trace.resource).length - resourceKeys.length} more, the same in all`)) : column.note))),
        ...positions.map((position) => el('tr', {}, el('th', {}, `span ${position}`), ...compare.columns.map((column) => cell(column, position))))),
    );
    const differences = compare.rows.length
      ? el('table', { class: 'differences' },
        el('thead', {}, el('tr', {}, ...['#', 'where', ...compare.columns.map((column) => column.app), 'why'].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...compare.rows.map((row, i) => el('tr', { class: row.explanation === compare.unexplained ? 'unexplained' : '' },
          el('td', {}, String(i + 1)), el('td', { class: 'where' }, row.where),
          ...compare.columns.map((column) => el('td', {}, column.trace ? show(row.values[column.app]) : '(not traced)')),
          el('td', {}, row.explanation)))))
      : el('p', { class: 'hint' }, 'No differences.');
    return [
      el('div', { class: 'toolbar' }, el('h1', {}, 'Compare'), picker),
      el('p', { class: 'quiet' }, 'Each app\'s SERVER span and the spans under it, from its newest trace of this request, whatever sent it (the client\'s spans above it are on the trace\'s page), as diffTraces compares them: ids and times left out; ports, pids, hosts and paths replaced.'),
      compare.request ? grid : el('p', { class: 'hint' }, 'No request traced by the three apps yet.'),
      ...(compare.tooFew ? nothingToCompare(compare.request!, compare.tooFew) : [
        el('h2', {}, `${compare.rows.length} difference${compare.rows.length === 1 ? '' : 's'}`),
        differences,
      ]),
      el('h2', {}, 'The request metric, http.server.request.duration'),
      el('p', { class: 'quiet' }, 'Each app\'s histogram, every request it served so far: one row per attribute set, with its count, its sum and its buckets (seconds).'),
      el('div', { class: 'metrics' }, ...compare.columns.map((column) => el('section', { class: 'metric', 'data-app': column.app },
        el('h3', {}, column.app),
        compare.requestMetric[column.app].length
          ? el('table', { class: 'series' }, el('tbody', {}, ...compare.requestMetric[column.app].map(seriesRow)))
          : el('p', { class: 'hint' }, 'No point yet: an app exports its metrics every OTEL_METRIC_EXPORT_INTERVAL (60 s by default).')))),
    ];
  });
}

/** Fewer than two apps traced the request: which did, and how to send it to the others. */
function nothingToCompare(request: string, { traced, send }: NonNullable<CompareView['tooFew']>): HTMLElement[] {
  const names = (apps: string[]) => apps.join(' and ');
  return [
    el('h2', { class: 'nothing-to-compare' }, 'Nothing to compare yet'),
    el('p', { class: 'hint' }, `${traced.length ? `Only ${names(traced)} has traced ${request}` : `No app has traced ${request}`}; send it to ${names(send.map(({ app }) => app))} too:`),
    el('ul', { class: 'send' }, ...send.map(({ app, command }) => el('li', {}, command ? el('code', {}, command) : `${app} (its port shows once it has sent a trace)`))),
  ];
}

/** A series: its attributes, count and sum, and its buckets as bars scaled to the largest. */
function seriesRow(series: MetricSeries): HTMLElement {
  const most = Math.max(...series.bucketCounts, 1);
  const bounds = [...series.explicitBounds.map(String), '+Inf'];
  const bars = el('div', { class: 'buckets' }, ...series.bucketCounts.map((count, i) => {
    const bar = el('span', { title: `≤ ${bounds[i]} s: ${count}` });
    bar.style.height = `${Math.round((24 * count) / most)}px`;
    return bar;
  }));
  return el('tr', {},
    el('td', {}, el('ul', { class: 'attributes' }, ...Object.entries(series.attributes).map(([key, value]) => el('li', {}, el('span', { class: 'key' }, key), ' ', show(value))))),
    el('td', { class: 'count' }, `count ${series.count}`), el('td', {}, `sum ${(series.sum * 1000).toFixed(1)} ms`), el('td', {}, bars));
}

// `0.2` before `0.10`: parents first, siblings by number.
function byTreeOrder(a: string, b: string): number {
  const [left, right] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.min(left.length, right.length); i++) if (left[i] !== right[i]) return left[i] - right[i];
  return left.length - right.length;
}

// The place a difference marks: `resource service.name` (the trace's resource), `span 0.1` (a span
// on one side only), `span 0 attribute url.query`, or `span 0 scope` (any other field).
function place({ position, field, keys }: DifferenceLocation): string {
  if (position === undefined) return `resource ${String(keys[0])}`;
  if (field === undefined) return `span ${position}`;
  return field === 'attributes' ? `span ${position} attribute ${String(keys[0])}` : `span ${position} ${field}`;
}
