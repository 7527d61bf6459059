// `npm run compare [-- <path>]`: one request to each app, their traces side by side, and every
// difference that remains after normalizeTrace. Fits a 100-column terminal.
import { APP_NAMES, type AppName, SERVICE_NAMES, withAllApps } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { diffTraces, normalizeTrace, type NormalizedTrace } from '@repo/trace-diff';

const path = process.argv[2] ?? '/server_request?param=compare';
const COLUMN = 32;

const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
await withAllApps({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } }, (apps) =>
  Promise.all(APP_NAMES.map((name) => fetch(`${apps[name].url}${path}`))),
);
// The apps have stopped, so every span they made has been exported.
const spans = receiver.spans();
await receiver.close();

const traces = Object.fromEntries(
  APP_NAMES.map((name) => {
    const own = spans.filter((span) => span.resource['service.name'] === SERVICE_NAMES[name]);
    return [name, own.length ? normalizeTrace(own) : undefined];
  }),
) as Record<AppName, NormalizedTrace | undefined>;

console.log(`GET ${path}, sent once to each app\n`);
const trees = APP_NAMES.map((name) => [name, ...tree(traces[name])]);
for (let row = 0; row < Math.max(...trees.map((lines) => lines.length)); row++) {
  console.log(trees.map((lines) => fit(lines[row] ?? '', COLUMN)).join('  ').trimEnd());
}

// Each pair's differences, as rows of the value in each app. An app missing from a row has no
// difference there with an app that has a value: it takes that value.
const rows = new Map<string, Partial<Record<AppName, unknown>>>();
const differing = new Set<string>();
for (const [left, right] of [['manual', 'automatic'], ['manual', 'programmatic'], ['automatic', 'programmatic']] as const) {
  const [a, b] = [traces[left], traces[right]];
  if (!a || !b) continue;
  for (const difference of diffTraces(a, b)) {
    rows.set(difference.path, { ...rows.get(difference.path), [left]: difference.left, [right]: difference.right });
    differing.add(`${left} ${right} ${difference.path}`).add(`${right} ${left} ${difference.path}`);
  }
}
for (const [where, values] of rows) {
  for (const name of APP_NAMES) {
    const same = APP_NAMES.find((other) => other in values && !differing.has(`${name} ${other} ${where}`));
    if (!(name in values) && same) values[name] = values[same];
  }
}
console.log(`\n${rows.size} difference${rows.size === 1 ? '' : 's'} after normalizeTrace (ids, times, ports, pids, hosts, paths replaced):\n`);
console.log(`${fit('where', 28)}${fit('app', 14)}value`);
for (const [where, values] of rows) {
  APP_NAMES.forEach((name, i) => {
    const value = traces[name] ? show(values[name]) : '(not traced)';
    console.log(`${fit(i === 0 ? where : '', 28)}${fit(name, 14)}${fit(value, 58).trimEnd()}`);
  });
}

function tree(trace: NormalizedTrace | undefined): string[] {
  if (!trace) return ['(not traced)'];
  return trace.spans.map((span) => {
    const depth = span.path.split('.').length - 1;
    return `${'  '.repeat(depth)}${depth ? '└ ' : ''}${span.kind} ${span.name}${span.status.code === 'ERROR' ? ' ✗' : ''}`;
  });
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
