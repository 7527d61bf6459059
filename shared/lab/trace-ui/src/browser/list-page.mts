// The list of recent traces, newest first, filtered by service (kept in the address).
import type { TraceList } from '../views.js';
import { compareLink, duration, el, load, time } from './page.mjs';

export function drawList(redraw: () => void): Promise<void> {
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
        el('td', {}, el('span', { class: 'service' }, trace.services.join(' → '))),
        el('td', {}, el('a', { href: `/trace/${trace.traceId}` }, trace.rootName), trace.hasError && el('span', { class: 'mark', title: 'a span has status ERROR' }, '✗ error'),
          // A 404's SERVER span is named by its method alone: say what it was.
          trace.statusCode === 404 && el('span', { class: 'not-found' }, `404 not found: ${trace.request}`)),
        el('td', { class: 'number' }, String(trace.spanCount)),
        el('td', { class: 'number' }, duration(trace.durationMs)),
        el('td', {}, trace.request && el('a', { href: compareLink(trace.request), class: 'quiet' }, 'compare')),
        el('td', { class: 'quiet' }, trace.servedOn ?? ''),
      ),
    );
    return [
      el('div', { class: 'toolbar' }, el('h1', {}, 'Recent traces'), filter, el('span', { class: 'quiet' }, `${traces.length} shown, newest first`)),
      traces.length
        ? el('table', { class: 'traces' }, el('thead', {}, el('tr', {}, ...['time', 'service', 'root span', 'spans', 'duration', '', 'served on'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows))
        : el('p', { class: 'hint' }, 'No traces yet. They appear here as the apps export them (a batch every 5 s by default).'),
    ];
  });
}
