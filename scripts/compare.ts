// `npm run compare [-- <target>] [--esm] [--express 4]`: one request to each app (to its ES module
// build with --esm, on Express 4 with --express 4), their traces side by side under the Express
// each app reports in its resource, and every difference that remains after normalizeTrace.
// Fits a 100-column terminal.
import { APP_NAMES, type AppName, APPS, explainDifference, explainUntraced } from '@repo/app-catalogue';
import { withAllApps } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { compareTraces, normalizeTrace, type NormalizedTrace } from '@repo/trace-diff';
import { showValue } from '@repo/trace-model';
import { checkAppSettings, expressMajor, orExit, readCommandLine } from './command-line.ts';

const args = readCommandLine({
  command: 'compare',
  summary: 'One request to each app, their traces side by side, and every difference that remains after normalizeTrace, with its reason.',
  positionals: { name: '<target>', help: 'the request target to send, e.g. /error (default /server_request?param=compare)', required: false },
  options: {
    esm: { type: 'boolean', default: false, help: 'run the apps\' ES module builds' },
    express: { type: 'string', default: '5', value: '5|4', help: 'the Express major the apps run on; 4 runs their CommonJS builds' },
  },
});
checkAppSettings('compare', process.env);
const target = args.positionals[0] ?? '/server_request?param=compare';
if (!target.startsWith('/')) orExit('compare', 2, () => { throw new Error(`"${target}" is not a request target: it starts with /, e.g. /server_request?param=x`); });
const format = args.values.esm ? 'esm' : 'cjs';
const express = orExit('compare', 2, () => expressMajor(args.values.express, format));
const COLUMN = 32;

const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
await withAllApps({ format, express, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } }, (apps) =>
  Promise.all(APP_NAMES.map((name) => fetch(`${apps[name].url}${target}`))),
);
// The apps have stopped, so every span they made has been exported.
const spans = receiver.spans();
await receiver.close();

// Which Express each app ran, as it says in its resource: what a backend shows beside its traces.
const engines = Object.fromEntries(APP_NAMES.map((name) => {
  const resource = spans.find((span) => span.resource['service.name'] === APPS[name].serviceName)?.resource;
  return [name, resource?.['webengine.name'] ? `${name} (${resource['webengine.name']} ${resource['webengine.version']})` : name];
})) as Record<AppName, string>;
const traces = Object.fromEntries(
  APP_NAMES.map((name) => {
    const own = spans.filter((span) => span.resource['service.name'] === APPS[name].serviceName);
    return [name, own.length ? normalizeTrace(own) : undefined];
  }),
) as Record<AppName, NormalizedTrace | undefined>;

console.log(`GET ${target}, sent once to each app (${format === 'esm' ? 'ES module' : 'CommonJS'} builds)\n`);
const trees = APP_NAMES.map((name) => [engines[name], ...tree(traces[name])]);
for (let row = 0; row < Math.max(...trees.map((lines) => lines.length)); row++) {
  console.log(trees.map((lines) => fit(lines[row] ?? '', COLUMN)).join('  ').trimEnd());
}
const urlPath = new URL(target, 'http://localhost').pathname;
for (const name of APP_NAMES.filter((app) => !traces[app])) console.log(`\n${wrap(`${name}, not traced: ${explainUntraced(name, urlPath)}`, 0, 100)}`);

const rows = compareTraces(traces, (difference) => explainDifference({ ...difference, urlPath }));
console.log(`\n${rows.length} difference${rows.length === 1 ? '' : 's'} after normalizeTrace (ids, times, ports, pids, hosts, paths replaced):\n`);
console.log(`${fit('where', 28)}${fit('app', 14)}value`);
for (const { where, values, explanation } of rows) {
  APP_NAMES.forEach((name, i) => {
    const value = traces[name] ? showValue(values[name]) : '(not traced)';
    console.log(`${fit(i === 0 ? where : '', 28)}${fit(name, 14)}${fit(value, 58).trimEnd()}`);
  });
  console.log(wrap(`why: ${explanation}`, 28, 100));
}

function tree(trace: NormalizedTrace | undefined): string[] {
  if (!trace) return ['(not traced)'];
  return trace.spans.map((span) => {
    const depth = span.position.split('.').length - 1;
    return `${'  '.repeat(depth)}${depth ? '└ ' : ''}${span.kind} ${span.name}${span.status.code === 'ERROR' ? ' ✗' : ''}`;
  });
}

// Words on lines of at most `width` columns, each `indent` columns in.
function wrap(text: string, indent: number, width: number): string {
  const lines = [''];
  for (const word of text.split(' ')) {
    if (lines.at(-1)!.length + word.length + 1 > width - indent) lines.push('');
    lines[lines.length - 1] += `${lines.at(-1) ? ' ' : ''}${word}`;
  }
  return lines.map((line) => ' '.repeat(indent) + line).join('\n');
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
