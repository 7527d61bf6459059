// `npm run demo [-- --esm]`: the receiver and the three apps side by side (their ES module
// builds with --esm), the original's three requests, then everything keeps running for more
// requests until Ctrl-C.
import { APP_NAMES, type AppName, APPS, type ModuleFormat, startScript, TOOL_PORTS } from '@repo/app-catalogue';
import concurrently from 'concurrently';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { readTraceUiPort } from './trace-ui-port.ts';

// The receiver reads TRACE_UI_PORT the same way.
let uiPort: number;
let format: ModuleFormat;
try {
  format = parseArgs({ options: { esm: { type: 'boolean', default: false } } }).values.esm ? 'esm' : 'cjs';
  uiPort = readTraceUiPort();
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(1);
}
const RECEIVER_PORTS = [TOOL_PORTS.otlpGrpc, TOOL_PORTS.otlpHttp, uiPort];
const COLORS: Record<AppName, string> = { manual: 'green', automatic: 'cyan', programmatic: 'magenta' };
const DEMO_APPS = APP_NAMES.map((name) => ({ name, port: APPS[name].defaultPort, directory: APPS[name].directory, color: COLORS[name] }));

const busy = await busyPorts([...RECEIVER_PORTS, ...DEMO_APPS.map((app) => app.port)]);
if (busy.length > 0) {
  console.error(
    `demo: port ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} already in use; is a demo or a collector still running?\n` +
      `Find it with: ss -ltnp '( ${busy.map((port) => `sport = :${port}`).join(' or ')} )'`,
  );
  process.exit(1);
}

if (format === 'esm') console.log('demo: the apps run their ES module builds (npm run start:esm)');
console.log(`demo: the trace UI will be at http://localhost:${uiPort} (traces, one trace's waterfall, the three apps compared)\n`);

const { result } = concurrently(
  [
    // The node running this script: Node 24, even where the shell's `node` is older.
    { name: 'receiver', command: `"${process.execPath}" scripts/receiver.ts`, prefixColor: 'yellow' },
    ...DEMO_APPS.map((app) => ({
      name: app.name,
      command: `npm run ${startScript(format)} --workspace ${app.directory}`,
      prefixColor: app.color,
      env: { PORT: String(app.port) },
    })),
  ],
  { killOthersOn: ['failure'], padPrefix: true },
);

// Runs beside `result`: if a process fails first, killOthersOn has stopped the rest and the
// demo exits without waiting for the health checks to time out.
void sendOriginalRequests();

// Settles when every process has exited: after Ctrl-C (0), or at once if one of them failed.
await result.then(
  () => process.exit(0),
  () => process.exit(1),
);

async function sendOriginalRequests(): Promise<void> {
  const started = Date.now();
  try {
    await Promise.all(DEMO_APPS.map((app) => waitUntilListening(app.port, 30_000)));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return;
  }
  console.log(`\ndemo: the three apps answer after ${((Date.now() - started) / 1000).toFixed(1)} s; sending the original's requests through the traced client\n`);
  // As in the original's README: `client.py <param>` once for each server.
  for (const app of DEMO_APPS) await runClient([app.name, '--app', app.name]);
  console.log(
    `\ndemo: open http://localhost:${uiPort} to see the traces; the receiver also prints each one once\n` +
      '      all its spans are exported (the apps send a batch every 5 s), within about 10 s.\n' +
      "      More: npm run client -- hello   or   curl 'http://localhost:8082/error'   /nothing-here\n" +
      '      Ctrl-C stops everything.\n',
  );
}

/** `npm run client -- <args>`, on this script's Node, its lines passed through. */
function runClient(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const client = spawn(process.execPath, ['scripts/client.ts', ...args], { stdio: 'inherit' });
    client.once('exit', () => resolve());
  });
}

// A TCP connect, not an HTTP request, so that the only traces shown are the demo's requests.
async function waitUntilListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await connects(port))) {
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, 'localhost');
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.once('close', () => socket.destroy());
    socket.once('connect', () => socket.end());
  });
}

async function busyPorts(ports: number[]): Promise<number[]> {
  const results = await Promise.all(
    ports.map(
      (port) =>
        new Promise<number | null>((resolve) => {
          const probe = net.createServer();
          probe.once('error', () => resolve(port));
          probe.listen(port, () => probe.close(() => resolve(null)));
        }),
    ),
  );
  return results.filter((port): port is number => port !== null);
}
