// The demo's first minute once its processes run: the original's three requests through the
// traced client, then where to look and what to do next, said after the traces are on screen
// (the receiver has printed their trees) or, with --collector, once the client's export landed.
import type { AppName } from '@repo/app-catalogue';
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
  receiver?: { ui: string; printed: (traceIds: string[], timeoutMs: number) => Promise<void> };
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
  const more = `      More: npm run client -- hello   or   curl 'http://localhost:${apps[1].port}/error'   /nothing-here\n      Ctrl-C stops everything.\n`;
  if (receiver) {
    await receiver.printed(runs.flatMap((run) => run.traceIds), TREES_TIMEOUT_MS);
    console.log(`\ndemo: open ${receiver.ui} for the trace UI; each trace above has its link there, /trace/<id>\n${more}`);
    return;
  }
  // The client exits 0 only when each app answered and its spans were exported.
  console.log(runs.every((run) => run.code === 0)
    ? `\ndemo: the first export has landed: your collector at ${collector} took the client's spans`
    : `\ndemo: the client failed (its lines above say why); the apps keep running`);
  console.log(`demo: the traces are in your collector at ${collector}\n${more}`);
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
 * once the tree of each trace is there whole (a tree ends with an empty line), or after the timeout.
 */
export function followTrees(stdout: { subscribe(next: (chunk: Buffer) => void): { unsubscribe(): void } }) {
  let text = '';
  const listeners = new Set<() => void>();
  const subscription = stdout.subscribe((chunk) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  });
  return (traceIds: string[], timeoutMs: number) => new Promise<void>((resolve) => {
    const check = () => {
      if (!traceIds.every((id) => new RegExp(`trace ${id}[^]*?\\n\\n`).test(text))) return;
      done();
    };
    const done = () => {
      clearTimeout(timer);
      subscription.unsubscribe();
      // After concurrently's own listener has written the chunk that completed the last tree.
      setImmediate(resolve);
    };
    const timer = setTimeout(done, timeoutMs);
    listeners.add(check);
    check();
  });
}
