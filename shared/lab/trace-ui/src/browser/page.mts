// What the three views share: building elements, fetching what they show, and formatting.
// Span names and attribute values come from whoever sent them: they only ever go into the
// page as text (el() appends strings as Text nodes), never as markup.

export type Child = Node | string | false | undefined;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) element.setAttribute(name, value);
  element.append(...children.filter((child): child is Node | string => child !== false && child !== undefined));
  return element;
}

const view = document.getElementById('view')!;
let shown = '';

/** Fetches `url` and draws `render`'s nodes, only if the answer changed: a selection or scroll survives. */
export async function load<T>(url: string, render: (data: T) => Child[]): Promise<void> {
  const response = await fetch(url);
  const text = await response.text();
  if (text === shown) return;
  shown = text;
  const data = JSON.parse(text) as T & { error?: string };
  const nodes = response.ok ? render(data) : [el('p', { class: 'problem' }, data.error ?? `${response.status}`)];
  view.replaceChildren(...nodes.filter((node): node is Node | string => node !== false && node !== undefined));
}

export function showProblem(message: string): void {
  shown = '';
  view.replaceChildren(el('p', { class: 'problem' }, message));
}

export function table(rows: [string, string][]): HTMLElement {
  if (!rows.length) return el('p', { class: 'quiet' }, '(none)');
  return el('table', { class: 'keyvalue' }, el('tbody', {}, ...rows.map(([key, value]) => el('tr', {}, el('th', {}, key), el('td', {}, value)))));
}

export function compareLink(request: string): string {
  return `/compare?request=${encodeURIComponent(request)}`;
}

export function show(value: unknown): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value);
}

export function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

export function time(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.toLocaleTimeString([], { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
