// `npm run demo`: the receiver and the three apps side by side, the original's three requests,
// then everything keeps running for more requests until Ctrl-C.
import { readTraceUiPort } from '@repo/trace-ui';
import concurrently from 'concurrently';
import net from 'node:net';

// The receiver reads TRACE_UI_PORT the same way.
let uiPort: number;
try {
  uiPort = readTraceUiPort();
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(1);
}
const RECEIVER_PORTS = [4317, 4318, uiPort];
const APPS = [
  { name: 'manual', port: 8081, color: 'green' },
  { name: 'automatic', port: 8082, color: 'cyan' },
  { name: 'programmatic', port: 8083, color: 'magenta' },
];

const busy = await busyPorts([...RECEIVER_PORTS, ...APPS.map((app) => app.port)]);
if (busy.length > 0) {
  console.error(
    `demo: port ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} already in use; is a demo or a collector still running?\n` +
      `Find it with: ss -ltnp '( ${busy.map((port) => `sport = :${port}`).join(' or ')} )'`,
  );
  process.exit(1);
}

console.log(`demo: the trace UI will be at http://localhost:${uiPort} (traces, one trace's waterfall, the three apps compared)\n`);

const { result } = concurrently(
  [
    // The node running this script: Node 24, even where the shell's `node` is older.
    { name: 'receiver', command: `"${process.execPath}" scripts/receiver.ts`, prefixColor: 'yellow' },
    ...APPS.map((app) => ({
      name: app.name,
      command: `npm start --workspace apps/${app.name}`,
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
    await Promise.all(APPS.map((app) => waitUntilListening(app.port, 30_000)));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return;
  }
  console.log(`\ndemo: the three apps answer after ${((Date.now() - started) / 1000).toFixed(1)} s; sending the original's requests\n`);
  for (const app of APPS) {
    const url = `http://localhost:${app.port}/server_request?param=${app.name}`;
    const response = await fetch(url);
    console.log(`demo: GET ${url} -> ${response.status} ${await response.text()}`);
  }
  console.log(
    `\ndemo: open http://localhost:${uiPort} to see the traces; the receiver also prints each one once\n` +
      '      its spans are exported (the batch goes every 5 s).\n' +
      "      More: curl 'http://localhost:8082/server_request?param=hello'   /error   /nothing-here\n" +
      '      Ctrl-C stops everything.\n',
  );
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
