// The page's script: draws the view that the path names from the JSON API, and draws it again
// when the receiver gets spans. Span names and attribute values come from whoever sent them:
// they only ever go into the page as text (el() appends strings as Text nodes), never as markup.
import type { CompareColumn, CompareView, SpanView, TraceDetail, TraceList } from '../views.js';

type Child = Node | string | false | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) element.setAttribute(name, value);
  element.append(...children.filter((child): child is Node | string => child !== false && child !== undefined));
  return element;
}

const view = document.getElementById('view')!;
const path = location.pathname;
const draw = path.startsWith('/trace/') ? () => drawTrace(decodeURIComponent(path.slice('/trace/'.length))) : path === '/compare' ? drawCompare : drawList;
document.querySelector(`nav a[data-view="${path === '/compare' ? 'compare' : 'list'}"]`)?.classList.add('current');

// Redraws only when the answer changed, so that a selection or a scroll position survives.
let shown = '';
async function load<T>(url: string, render: (data: T) => Node[]): Promise<void> {
  const response = await fetch(url);
  const text = await response.text();
  if (text === shown) return;
  shown = text;
  const data = JSON.parse(text) as T & { error?: string };
  view.replaceChildren(...(response.ok ? render(data) : [el('p', { class: 'problem' }, data.error ?? `${response.status}`)]));
}

let drawing: Promise<void> | undefined;
let again = false;
function redraw(): void {
  if (drawing) return void (again = true);
  drawing = draw()
    .catch((error: Error) => view.replaceChildren(el('p', { class: 'problem' }, `Cannot reach the receiver: ${error.message}`)))
    .finally(() => {
      drawing = undefined;
      if (again) (again = false), redraw();
    });
}

// The receiver sends an event each time spans arrive; EventSource reconnects by itself.
const live = document.getElementById('live')!;
const events = new EventSource('/api/events');
events.onopen = () => ((live.textContent = 'live'), live.classList.add('on'));
events.onerror = () => ((live.textContent = 'reconnecting…'), live.classList.remove('on'));
events.onmessage = redraw;
redraw();

// ---- the list of recent traces

function drawList(): Promise<void> {
  const service = new URLSearchParams(location.search).get('service') ?? '';
  return load<TraceList>(`/api/traces${service ? `?service=${encodeURIComponent(service)}` : ''}`, ({ services, traces }) => {
    const filter = el('select', { id: 'service', 'aria-label': 'Service' }, el('option', { value: '' }, 'all services'), ...services.map((name) => el('option', { value: name }, name)));
    filter.value = service;
    filter.onchange = () => {
      history.replaceState(null, '', filter.value ? `/?service=${encodeURIComponent(filter.value)}` : '/');
      redraw();
    };
    const rows = traces.map((trace) =>
      el('tr', { 'data-trace-id': trace.traceId, class: trace.hasError ? 'error' : '' },
        el('td', {}, time(trace.startTime)),
        el('td', {}, el('span', { class: 'service' }, trace.service)),
        el('td', {}, el('a', { href: `/trace/${trace.traceId}` }, trace.rootName), trace.hasError && el('span', { class: 'mark', title: 'a span has status ERROR' }, '✗ error')),
        el('td', { class: 'number' }, String(trace.spanCount)),
        el('td', { class: 'number' }, duration(trace.durationMs)),
        el('td', {}, trace.scenario && el('a', { href: compareLink(trace.scenario), class: 'quiet' }, 'compare')),
      ),
    );
    return [
      el('div', { class: 'toolbar' }, el('h1', {}, 'Recent traces'), filter, el('span', { class: 'quiet' }, `${traces.length} shown, newest first`)),
      traces.length
        ? el('table', { class: 'traces' }, el('thead', {}, el('tr', {}, ...['time', 'service', 'root span', 'spans', 'duration', ''].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows))
        : el('p', { class: 'hint' }, 'No traces yet. They appear here as the apps export them (a batch every 5 s by default).'),
    ];
  });
}

// ---- one trace: the waterfall, and the clicked span's details

let selected: string | undefined;

function drawTrace(traceId: string): Promise<void> {
  return load<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}`, (trace) => {
    const total = trace.durationMs || 1;
    const details = el('section', { class: 'details' });
    const showSpan = (span: SpanView, row: HTMLElement) => {
      selected = span.spanId;
      document.querySelectorAll('.waterfall .selected').forEach((other) => other.classList.remove('selected'));
      row.classList.add('selected');
      details.replaceChildren(...spanDetails(span));
    };
    const rows = trace.spans.map((span) => {
      const bar = el('div', { class: `bar kind-${span.kind}${span.status.code === 'ERROR' ? ' error' : ''}` }, el('span', {}, duration(span.durationMs)));
      bar.style.left = `${(100 * span.offsetMs) / total}%`;
      bar.style.width = `${Math.max((100 * span.durationMs) / total, 0.3)}%`;
      const label = el('div', { class: 'label' }, el('span', { class: `kind kind-${span.kind}` }, span.kind), span.name, span.status.code === 'ERROR' && el('span', { class: 'mark' }, '✗'));
      label.style.paddingLeft = `${0.5 + Math.min(span.depth, 20) * 1.2}em`;
      const row = el('div', { class: 'span-row', role: 'button', tabindex: '0', 'data-span-id': span.spanId }, label, el('div', { class: 'track' }, bar));
      row.onclick = () => showSpan(span, row);
      row.onkeydown = (event) => event.key === 'Enter' && showSpan(span, row);
      return row;
    });
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((at) => el('span', {}, duration(total * at)));
    const previous = trace.spans.find((span) => span.spanId === selected);
    if (previous) showSpan(previous, rows[trace.spans.indexOf(previous)]);
    else details.append(el('p', { class: 'hint' }, 'Click a span to see its attributes, events and resource.'));
    return [
      el('h1', {}, trace.rootName, trace.hasError && el('span', { class: 'mark' }, '✗ error')),
      el('p', { class: 'quiet' }, `${trace.service} · ${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'} · ${duration(trace.durationMs)} · ${time(trace.startTime)} · trace ${trace.traceId}`,
        trace.scenario && el('a', { href: compareLink(trace.scenario) }, ` · compare ${trace.scenario} across the three apps`)),
      el('div', { class: 'waterfall' }, el('div', { class: 'span-row ticks' }, el('div', { class: 'label' }, 'span'), el('div', { class: 'track' }, ...ticks)), ...rows),
      details,
    ];
  });
}

function spanDetails(span: SpanView): Node[] {
  return [
    el('h2', {}, span.name),
    table([
      ['kind', span.kind],
      ['status', `${span.status.code}${span.status.message ? `: ${span.status.message}` : ''}`],
      ['scope', `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`],
      ['span id', span.spanId],
      ['parent', span.parentSpanId ?? '(none: a root)'],
      ['start', `+${duration(span.offsetMs)}`],
      ['duration', duration(span.durationMs)],
      ...(span.traceState ? [['trace state', span.traceState] as [string, string]] : []),
    ]),
    el('h3', {}, 'Attributes'),
    table(Object.entries(span.attributes).map(([key, value]) => [key, show(value)])),
    el('h3', {}, `Events (${span.events.length})`),
    ...span.events.map((event) => el('div', { class: 'event' }, el('h4', {}, `${event.name} at +${duration(event.offsetMs)}`), table(Object.entries(event.attributes).map(([key, value]) => [key, show(value)])))),
    ...(span.links.length ? [el('h3', {}, 'Links'), table(span.links.map((link) => [`${link.traceId} ${link.spanId}`, show(link.attributes)]))] : []),
    el('h3', {}, 'Resource'),
    table(Object.entries(span.resource).map(([key, value]) => [key, show(value)])),
  ];
}

// ---- the compare page: one request, the three apps side by side

function drawCompare(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('scenario') ?? '';
  return load<CompareView>(`/api/compare${wanted ? `?scenario=${encodeURIComponent(wanted)}` : ''}`, (compare) => {
    const picker = el('select', { id: 'scenario', 'aria-label': 'Request' }, ...compare.scenarios.map((name) => el('option', { value: name }, name)));
    if (compare.scenario) picker.value = compare.scenario;
    picker.onchange = () => {
      history.replaceState(null, '', compareLink(picker.value));
      redraw();
    };
    // The rows of the differences that each place belongs to, to mark it with their numbers.
    const marks = new Map<string, number[]>();
    compare.rows.forEach((row, i) => marks.set(place(row.path), [...(marks.get(place(row.path)) ?? []), i + 1]));
    const mark = (key: string) => marks.has(key) && el('sup', { class: 'diff-mark' }, marks.get(key)!.join(','));
    const differs = (...keys: string[]) => (keys.some((key) => marks.has(key)) ? 'differs' : '');
    const spanPaths = [...new Set(compare.columns.flatMap((column) => column.trace?.spans.map((span) => span.path) ?? []))].sort();

    const cell = (column: CompareColumn, spanPath: string) => {
      if (!column.trace) return el('td', { class: 'untraced' }, column.note);
      const span = column.trace.spans.find((candidate) => candidate.path === spanPath);
      const at = (field: string) => `span ${spanPath} ${field}`;
      if (!span) return el('td', { class: 'absent differs' }, 'no span here', mark(`span ${spanPath}`));
      const head = ['name', 'kind', 'status', 'parent', 'traceState', 'links'].map(at);
      return el('td', { class: differs(`span ${spanPath}`) },
        el('div', { class: `span-head ${differs(...head)}` },
          el('span', { class: `kind kind-${span.kind}` }, span.kind), span.name, span.status.code === 'ERROR' && el('span', { class: 'mark' }, '✗'),
          mark(`span ${spanPath}`), ...head.map(mark)),
        el('div', { class: `scope ${differs(at('scope'))}` }, `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`, mark(at('scope'))),
        el('ul', { class: 'attributes' }, ...Object.entries(span.attributes).map(([key, value]) =>
          el('li', { class: differs(at(`attribute ${key}`)) }, el('span', { class: 'key' }, key), ' ', show(value), mark(at(`attribute ${key}`))))),
        (span.events.length > 0 || marks.has(at('events'))) &&
          el('div', { class: `events ${differs(at('events'))}` }, `events: ${span.events.map((event) => event.name).join(', ') || 'none'}`, mark(at('events'))),
      );
    };
    const resourceKeys = [...new Set(compare.rows.map((row) => place(row.path)).filter((key) => key.startsWith('resource ')))];
    const grid = el('table', { class: 'compare' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), ...compare.columns.map((column) =>
        el('th', {}, column.app, el('div', { class: 'quiet' }, column.service), column.trace && el('a', { href: `/trace/${column.trace.traceId}` }, time(column.trace.startTime)))))),
      el('tbody', {},
        el('tr', {}, el('th', {}, 'resource'), ...compare.columns.map((column) => el('td', { class: resourceKeys.length && column.trace ? 'differs' : '' },
          column.trace ? el('ul', { class: 'attributes' }, ...resourceKeys.map((key) => el('li', { class: 'differs' }, el('span', { class: 'key' }, key.slice('resource '.length)), ' ', show(column.trace!.resource[key.slice('resource '.length)]), mark(key))),
            el('li', { class: 'quiet' }, `${Object.keys(column.trace.resource).length - resourceKeys.length} more, the same in all`)) : column.note))),
        ...spanPaths.map((spanPath) => el('tr', {}, el('th', {}, `span ${spanPath}`), ...compare.columns.map((column) => cell(column, spanPath))))),
    );
    const differences = compare.rows.length
      ? el('table', { class: 'differences' },
        el('thead', {}, el('tr', {}, ...['#', 'where', ...compare.columns.map((column) => column.app), 'why'].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...compare.rows.map((row, i) => el('tr', { class: row.explanation.startsWith('Not a known') ? 'unexplained' : '' },
          el('td', {}, String(i + 1)), el('td', { class: 'path' }, row.path),
          ...compare.columns.map((column) => el('td', {}, column.trace ? show(row.values[column.app]) : '(not traced)')),
          el('td', {}, row.explanation)))))
      : el('p', { class: 'hint' }, 'No differences.');
    return [
      el('div', { class: 'toolbar' }, el('h1', {}, 'Compare'), picker),
      el('p', { class: 'quiet' }, 'The newest trace of this request from each app, as diffTraces compares them: ids and times left out; ports, pids, hosts and paths replaced.'),
      compare.scenario ? grid : el('p', { class: 'hint' }, 'No request traced by the three apps yet.'),
      el('h2', {}, `${compare.rows.length} difference${compare.rows.length === 1 ? '' : 's'}`),
      differences,
    ];
  });
}

// A difference's path (`spans[0].attributes["url.query"]`) as the place it marks (`span 0 attribute url.query`).
function place(diffPath: string): string {
  const resource = /^resource(?:\.(\w+)|\[("(?:[^"\\]|\\.)*")\])/.exec(diffPath);
  if (resource) return `resource ${resource[1] ?? JSON.parse(resource[2])}`;
  const span = /^spans\[([\d.]+)\](.*)$/.exec(diffPath);
  if (!span) return diffPath;
  const attribute = /^\.attributes(?:\.(\w+)|\[("(?:[^"\\]|\\.)*")\])/.exec(span[2]);
  if (attribute) return `span ${span[1]} attribute ${attribute[1] ?? JSON.parse(attribute[2])}`;
  const field = /^\.(\w+)/.exec(span[2]);
  return field ? `span ${span[1]} ${field[1]}` : `span ${span[1]}`;
}

// ---- small formatting helpers

function table(rows: [string, string][]): HTMLElement {
  if (!rows.length) return el('p', { class: 'quiet' }, '(none)');
  return el('table', { class: 'keyvalue' }, el('tbody', {}, ...rows.map(([key, value]) => el('tr', {}, el('th', {}, key), el('td', {}, value)))));
}

function compareLink(scenario: string): string {
  return `/compare?scenario=${encodeURIComponent(scenario)}`;
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value);
}

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function time(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.toLocaleTimeString([], { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
