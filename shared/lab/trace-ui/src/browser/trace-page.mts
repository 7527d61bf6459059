// One trace: a waterfall of its spans, and the clicked span's details.
import type { SpanView, TraceDetail } from '../views.js';
import { compareLink, duration, el, load, show, table, time } from './page.mjs';

// The clicked span, selected again when the trace is drawn anew.
let selected: string | undefined;

export function drawTrace(traceId: string): Promise<void> {
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
      // In a trace across services (the client calling an app), each span says whose it is.
      const service = trace.services.length > 1 && el('span', { class: 'span-service' }, String(span.resource['service.name'] ?? 'unknown service'));
      const rounded = span.roundedStart && el('span', { class: 'quiet', title: span.roundedStart }, ' ~');
      const label = el('div', { class: 'label' }, el('span', { class: `kind kind-${span.kind}` }, span.kind), span.name, span.status.code === 'ERROR' && el('span', { class: 'mark' }, '✗'), rounded, service);
      label.style.paddingLeft = `${0.5 + Math.min(span.depth, 20) * 1.2}em`;
      const row = el('div', { class: 'span-row', role: 'button', tabindex: '0', 'data-span-id': span.spanId }, label, el('div', { class: 'track' }, bar));
      row.onclick = () => showSpan(span, row);
      row.onkeydown = (event) => {
        if (event.key === 'Enter') showSpan(span, row);
      };
      // The log records made in this span, under it.
      const logs = span.logs.map((log) => {
        const line = el('div', { class: 'label log' }, el('span', { class: 'severity' }, log.severity), log.body,
          ...Object.entries(log.attributes).filter(([key]) => !key.startsWith('exception.')).map(([key, value]) => el('span', { class: 'quiet' }, ` ${key}=${show(value)}`)));
        line.style.paddingLeft = `${1.7 + Math.min(span.depth, 20) * 1.2}em`;
        return el('div', { class: 'span-row log-row' }, line, el('div', { class: 'track' }));
      });
      return [row, ...logs];
    });
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((at) => el('span', {}, duration(total * at)));
    const previous = trace.spans.find((span) => span.spanId === selected);
    if (previous) showSpan(previous, rows[trace.spans.indexOf(previous)][0]);
    else details.append(el('p', { class: 'hint' }, 'Click a span to see its attributes, events and resource.'));
    return [
      el('h1', {}, trace.rootName, trace.hasError && el('span', { class: 'mark' }, '✗ error')),
      el('p', { class: 'quiet' }, `${trace.services.join(' → ')} · ${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'} · ${duration(trace.durationMs)} · ${time(trace.startTime)} · trace ${trace.traceId}`,
        trace.request && el('a', { href: compareLink(trace.request) }, ` · compare ${trace.request} across the three apps`)),
      el('div', { class: 'waterfall' }, el('div', { class: 'span-row ticks' }, el('div', { class: 'label' }, 'span'), el('div', { class: 'track' }, ...ticks)), ...rows.flat()),
      trace.spans.length < trace.spanCount && el('p', { class: 'hint' }, `The first ${trace.spans.length} of ${trace.spanCount} spans are drawn.`),
      // A child drawn past its parent's bar is the SDK's rounding, not a span that outlived its parent.
      trace.spans.some((span) => span.roundedStart) && el('p', { class: 'hint' },
        '~ A span drawn ending up to 1 ms after its parent: the JavaScript SDK\'s start times are whole milliseconds, its durations are not.'),
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
      ...(span.roundedStart ? [['timing', `~ ${span.roundedStart}`] as [string, string]] : []),
      ...(span.traceState ? [['trace state', span.traceState] as [string, string]] : []),
    ]),
    el('h3', {}, 'Attributes'),
    table(Object.entries(span.attributes).map(([key, value]) => [key, show(value)])),
    el('h3', {}, `Log records (${span.logs.length})`),
    ...span.logs.map((log) => el('div', { class: 'event' }, el('h4', {}, `${log.severity} ${log.body} at +${duration(log.offsetMs)}`), table(Object.entries(log.attributes).map(([key, value]) => [key, show(value)])))),
    el('h3', {}, `Events (${span.events.length})`),
    ...span.events.map((event) => el('div', { class: 'event' }, el('h4', {}, `${event.name} at +${duration(event.offsetMs)}`), table(Object.entries(event.attributes).map(([key, value]) => [key, show(value)])))),
    ...(span.links.length ? [el('h3', {}, 'Links'), table(span.links.map((link) => [`${link.traceId} ${link.spanId}`, show(link.attributes)]))] : []),
    el('h3', {}, 'Resource'),
    table(Object.entries(span.resource).map(([key, value]) => [key, show(value)])),
  ];
}
