// The demo's first minute once its processes run: the original's three requests through the
// traced client, then where to look and what to do next, said after the traces are on screen
// (the receiver has printed their trees) or, with --collector, once the client's export landed.
import { type AppName, APPS } from '@repo/app-catalogue';
import { withSharedEnv } from '@repo/telemetry/settings';
import { spawn } from 'node:child_process';
import { wrap } from './command-line.ts';
import { waitUntilListening } from './local-ports.ts';

// The receiver prints a trace a second after its last span (--trace-idle-ms 1000): well within this.
const TREES_TIMEOUT_MS = 15_000;

export interface FirstRequests {
  apps: { name: AppName; port: number }[];
  /** Where the client exports, as the apps do. */
  env: Record<string, string>;
  /** The demo's own receiver: its UI, and a wait for the trees it printed. */
  receiver?: { ui: string; printed: (traceIds: string[], timeoutMs: number) => Promise<string[]> };
  /** Or the user's collector. */
  collector?: string;
}

export async function sendOriginalRequests({ apps, env, receiver, collector }: FirstRequests): Promise<void> {
  const started = Date.now();
  try {
    await Promise.all(apps.map((app) => waitUntilListening(app.port, 30_000)));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return;
  }
  console.log(`\ndemo: the three apps answer after ${((Date.now() - started) / 1000).toFixed(1)} s; the original's requests, through the traced client:`);
  console.log(`${wrap(apps.map((app) => `${app.name} http://localhost:${app.port}`).join(', '), 94, ', ').map((line) => `      ${line}`).join('\n')}\n`);
  // The original page's three requests (`curl …/server_request?param=manual`, and so on), each
  // through the traced client as its client.py sends one; the three at once, so that every trace
  // is on screen a second or two after the apps answer.
  const runs = await Promise.all(apps.map((app) => runClient([app.name, '--app', app.name, '--port', String(app.port)], env)));
  const more = `${moreRequests(apps[1], env)}\n      Ctrl-C stops everything.\n`;
  if (receiver) {
    // The traces of the clients that exported their spans (exit 0): the others' lines say why not.
    const sent = runs.flatMap((run) => run.traceIds);
    const printed = await receiver.printed(runs.filter((run) => run.code === 0).flatMap((run) => run.traceIds), TREES_TIMEOUT_MS);
    console.log(printed.length === sent.length && sent.length > 0
      ? `\ndemo: open ${receiver.ui} for the trace UI; each trace above has its link there, /trace/<id>\n${more}`
      : `\ndemo: ${printed.length ? `${printed.length} of the ${sent.length} traces` : 'no trace'} came to the receiver (the lines above say why); the trace UI is at ${receiver.ui}\n${more}`);
    return;
  }
  // The client exits 0 only when each app answered and its spans were exported.
  console.log(runs.every((run) => run.code === 0)
    ? `\ndemo: the first export has landed: your collector at ${collector} took the client's spans`
    : `\ndemo: the client failed (its lines above say why); the apps keep running`);
  console.log(`demo: the traces are in your collector at ${collector}\n${more}`);
}

/**
 * What else to send, as the user types it: a curl to `app`, and the traced client with what it
 * needs to reach the apps and the export target the demo chose (--free-ports, --collector, a
 * protocol of the user's), each setting on a line of its own before it.
 */
function moreRequests(app: { name: AppName; port: number }, env: Record<string, string>): string {
  const defaults = withSharedEnv({});
  const settings = ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_ENDPOINT']
    .map((name) => [name, env[name] ?? process.env[name]] as const)
    .filter(([name, value]) => value !== undefined && value !== defaults[name]);
  const curl = `curl 'http://localhost:${app.port}/error'   /nothing-here`;
  if (app.port === APPS[app.name].defaultPort && settings.length === 0) return `      More: npm run client -- hello   or   ${curl}`;
  const flags = app.port === APPS[app.name].defaultPort ? '' : ` --app ${app.name} --port ${app.port}`;
  return [`      More: ${curl}   or, through the traced client:`, ...settings.map(([name, value]) => `      ${name}=${value} \\`), `        npm run client -- hello${flags}`].join('\n');
}

/** `npm run client -- <args>` on this script's Node, its lines passed through: its exit code, and the trace ids it printed. */
function runClient(args: string[], env: Record<string, string>): Promise<{ code: number | null; traceIds: string[] }> {
  return new Promise((resolve) => {
    const client = spawn(process.execPath, ['scripts/client.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let output = '';
    client.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      process.stdout.write(text);
    });
    client.once('close', (code) => resolve({ code, traceIds: [...output.matchAll(/· trace ([0-9a-f]{32})/g)].map((match) => match[1]) }));
  });
}

/**
 * Follows what the receiver prints (concurrently's stream of its stdout): `printed(ids)` resolves
 * once the tree of each trace is there whole (a tree ends with an empty line), or after the
 * timeout, with the ids of those printed whole.
 */
export function followTrees(stdout: { subscribe(next: (chunk: Buffer) => void): { unsubscribe(): void } }) {
  let text = '';
  const listeners = new Set<() => void>();
  const subscription = stdout.subscribe((chunk) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  });
  const isPrinted = (id: string) => new RegExp(`trace ${id}[^]*?\\n\\n`).test(text);
  return (traceIds: string[], timeoutMs: number) => new Promise<string[]>((resolve) => {
    const check = () => {
      if (!traceIds.every(isPrinted)) return;
      done();
    };
    const done = () => {
      clearTimeout(timer);
      subscription.unsubscribe();
      // After concurrently's own listener has written the chunk that completed the last tree.
      setImmediate(() => resolve(traceIds.filter(isPrinted)));
    };
    const timer = setTimeout(done, timeoutMs);
    listeners.add(check);
    check();
  });
}
