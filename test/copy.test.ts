// What a user copies: the README's "Add it to your service" lines, run as written into an empty
// folder outside the workspace, with only the packages they install (linked from this checkout's
// node_modules, so no network) beside the service's own express and pino. The copy's SERVER span,
// request metric and log record must equal the in-repo app's for the same request.
import { APP_NAMES, type Approach, APPS, type AppName } from '@repo/app-catalogue';
import { collectOutput, repoRoot, type AppProcess } from '@repo/app-process';
import { startReceiver, type Receiver } from '@repo/otlp-receiver';
import { diffTraces, normalizeTrace } from '@repo/trace-diff';
import { histogramTotals, serviceOf, type ReceivedLogRecord, type ReceivedSpan } from '@repo/trace-model';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startAppForTest } from './app-fixture.ts';

// The goals for what a user copies, in lines of configuration and code (comments and blank lines
// left out): configuration only, one file, or the approach written by hand.
const SIZE_GOALS: Record<Approach, number> = { 'configuration only': 25, 'instrumentations in code': 60, 'by hand': 250 };
// What your service has anyway: its routes (the app's own copy), its packages, and a main that listens.
const SERVICE_FILES = ['app.ts', 'logger.ts'];
const SERVICE_PACKAGES = ['express', 'pino'];
const SERVICE_MAIN = `import { createApp } from './app.js';
const server = createApp().listen(Number(process.env.PORT ?? 0), () => console.log(\`listening on \${(server.address() as { port: number }).port}\`));
process.on('SIGTERM', () => server.close());
`;

interface CopyRecipe {
  packages: string[];
  /** Where each file comes from, from the repository root: `cat` joins several into one. */
  files: { to: string; from: string[] }[];
  /** The start command's arguments after `node`. */
  nodeArgs: string[];
}

/** Each approach's lines from the README's "Add it to your service": the bold line before each block names the app. */
function readRecipes(): Record<AppName, CopyRecipe> {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('\n## Add it to your service\n')[1]?.split('\n## ')[0] ?? '';
  const recipes: Partial<Record<AppName, CopyRecipe>> = {};
  for (const [, heading, block] of section.matchAll(/\*\*(\w+)\*\*[^\n]*\n(?:[^\n]*\n)*?```sh\n([\s\S]*?)```/g)) {
    const app = APP_NAMES.find((name) => heading.toLowerCase() === name);
    if (!app) continue;
    const recipe: CopyRecipe = { packages: [], files: [], nodeArgs: [] };
    for (const line of block.trim().split('\n')) {
      const words = line.trim().split(/\s+/);
      if (words[0] === 'npm' && words[1] === 'install') recipe.packages.push(...words.slice(2));
      else if (words[0] === 'cat' && words.at(-2) === '>') recipe.files.push({ to: words.at(-1)!.replace(/^your-service\//, ''), from: words.slice(1, -2) });
      else if (words[0] === 'cp') recipe.files.push(...words.slice(1, -1).map((from) => ({ to: `${words.at(-1)!.replace(/^your-service\//, '')}${path.basename(from)}`, from: [from] })));
      else if (words[0] === 'node') recipe.nodeArgs = words.slice(1);
      else throw new Error(`README, ${app}: a line this test cannot run: ${line}`);
    }
    recipes[app] = recipe;
  }
  return recipes as Record<AppName, CopyRecipe>;
}

const RECIPES = readRecipes();

/** Lines of code or configuration: not blank, not a comment. */
const codeLines = (text: string) => text.split('\n').filter((line) => line.trim() && !/^\s*(#|\/\/|\*|\/\*)/.test(line)).length;

/** The copy in a new folder; `leaveOut` drops one listed file, as a user who missed it would. */
function assemble(app: AppName, leaveOut?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `copy-${app}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'src'));
  const listed = new Set(RECIPES[app].files.map(({ to }) => to));
  for (const file of SERVICE_FILES.filter((file) => !listed.has(`src/${file}`))) {
    writeFileSync(path.join(dir, 'src', file), readFileSync(path.join(repoRoot, APPS[app].directory, 'src', file)));
  }
  writeFileSync(path.join(dir, 'src/main.ts'), SERVICE_MAIN);
  for (const { to, from } of RECIPES[app].files) {
    if (to === leaveOut) continue;
    writeFileSync(path.join(dir, to), from.map((file) => readFileSync(path.join(repoRoot, file), 'utf8')).join('\n'));
  }
  // Only the packages the recipe installs and the service's own resolve from the copy's files.
  for (const name of [...RECIPES[app].packages.map((spec) => spec.replace(/(.)@.*$/, '$1')), ...SERVICE_PACKAGES]) {
    mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  // The service's build: src/*.ts to dist/*.js, CommonJS.
  mkdirSync(path.join(dir, 'dist'));
  for (const file of readdirSync(path.join(dir, 'src'))) {
    const { outputText } = ts.transpileModule(readFileSync(path.join(dir, 'src', file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(path.join(dir, 'dist', file.replace(/\.ts$/, '.js')), outputText);
  }
  return dir;
}

/** Starts the copy with the README's command; it is killed when the test ends. */
async function startCopy(name: AppName, dir: string, env: Record<string, string>): Promise<Pick<AppProcess, 'url' | 'output' | 'stop'>> {
  // `node` as a user types it, the Node this test runs on first on PATH.
  const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`;
  const child = spawn('node', RECIPES[name].nodeArgs, { cwd: dir, env: { ...process.env, PATH, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const { output, waitForOutput } = collectOutput(child, `the copy in ${dir}`);
  const started = waitForOutput(/listening on (\d+)/, 20_000);
  const [, port] = await Promise.race([started, exited.then(() => Promise.reject(new Error(`the copy exited before listening:\n${output()}`)))]);
  return {
    url: `http://localhost:${port}`,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      return { code: child.exitCode, signal: child.signalCode, ms: 0 };
    },
  };
}

/** What one request leaves at a receiver: its trace, its request-metric series, its log record (with its span's kind). */
async function telemetryOf(receiver: Receiver, target: Pick<AppProcess, 'url' | 'stop'>, timeoutMs = 10_000) {
  await fetch(`${target.url}/server_request?param=copied`);
  const spans = await receiver.waitForSpans((s) => s.some((span) => span.kind === 'SERVER'), timeoutMs);
  const logs = await receiver.waitForLogs((records) => records.some((r) => r.body === 'server_request'), timeoutMs);
  // SIGTERM: the metric reader's last export holds the request.
  await target.stop('SIGTERM');
  const server = spans.find((span) => span.kind === 'SERVER')!;
  const trace = normalizeTrace(spans.filter((span) => span.traceId === server.traceId));
  const record: ReceivedLogRecord = logs.find((r) => r.body === 'server_request')!;
  return {
    service: serviceOf(server),
    // webengine.*: what the in-repo apps' express-resource addition adds, which a copy goes without.
    trace: { ...trace, resource: Object.fromEntries(Object.entries(trace.resource).filter(([key]) => !key.startsWith('webengine.'))) },
    series: histogramTotals(receiver.metrics(), 'http.server.request.duration').map((p) => ({ attributes: p.attributes, count: Number(p.count) })),
    metrics: [...new Set(receiver.metrics().map((point) => point.name))],
    record: { body: record.body, severity: record.severityText, attributes: record.attributes, scope: record.scope.name, on: spans.find((s: ReceivedSpan) => s.spanId === record.spanId)?.kind },
  };
}

/**
 * Over OTLP/HTTP where the approach has code of its own, which must keep the exporters' own
 * requests out of its metrics; the automatic approach needs the unmeasured-exports addition for
 * that, which a copy goes without (README), so its copy exports over gRPC.
 */
const protocolOf = (name: AppName) => (APPS[name].approach === 'configuration only' ? 'grpc' : 'http/protobuf');

async function copiedAndInRepo(name: AppName, leaveOut?: string) {
  const receivers = await Promise.all([0, 1].map(() => startReceiver({ grpcPort: 0, httpPort: 0 })));
  onTestFinished(() => Promise.all(receivers.map((r) => r.close())).then(() => {}));
  const env = (receiver: Receiver) => ({
    OTEL_EXPORTER_OTLP_PROTOCOL: protocolOf(name),
    OTEL_EXPORTER_OTLP_ENDPOINT: protocolOf(name) === 'grpc' ? receiver.grpcEndpoint : `http://localhost:${receiver.httpPort}`,
    OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100',
  });
  const copy = await startCopy(name, assemble(name, leaveOut), env(receivers[0]));
  const inRepo = await startAppForTest(name, { env: env(receivers[1]) });
  return Promise.all([telemetryOf(receivers[0], copy, leaveOut ? 3_000 : 10_000), telemetryOf(receivers[1], inRepo)]);
}

describe.each(APP_NAMES)('the %s approach, copied by the README\'s lines into an empty folder', (name) => {
  it('lists packages at the versions this repository pins, and copies no @repo/ import', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(repoRoot, APPS[name].directory, 'package.json'), 'utf8'));
    for (const spec of RECIPES[name].packages) {
      const [, pkg, version] = /^(.+)@(.+)$/.exec(spec)!;
      expect(dependencies[pkg], spec).toBe(version);
    }
    for (const { from } of RECIPES[name].files) for (const file of from) expect(readFileSync(path.join(repoRoot, file), 'utf8'), file).not.toContain('@repo/');
  });

  it(`is small: at most ${SIZE_GOALS[APPS[name].approach]} lines of configuration and code, comments left out`, () => {
    const startLine = 1;
    const lines = RECIPES[name].files.flatMap(({ from }) => from).reduce((n, file) => n + codeLines(readFileSync(path.join(repoRoot, file), 'utf8')), startLine);
    expect(lines).toBeLessThanOrEqual(SIZE_GOALS[APPS[name].approach]);
  });

  it(`exports the same SERVER span (and what is under it), request metric and log record as the app in this repository, over ${protocolOf(name)}`, async () => {
    const [copy, inRepo] = await copiedAndInRepo(name);
    expect(copy.service).toBe(APPS[name].serviceName);
    // The request metric alone: not the exporters' own requests, over OTLP/HTTP either.
    expect(copy.metrics).toEqual(['http.server.request.duration']);
    expect(diffTraces(copy.trace, inRepo.trace)).toEqual([]);
    expect(copy.series).toEqual(inRepo.series);
    expect(copy.record).toEqual(inRepo.record);
  });

  it('fails without the last file the README lists: the check above catches a copy that is not whole', async () => {
    const missing = RECIPES[name].files.at(-1)!.to;
    const failure = await copiedAndInRepo(name, missing).then(() => 'no failure', (error: Error) => error.message);
    // It fails because of that file: Node names it (a module not found, an env file not found).
    expect(failure).toContain(path.basename(missing, '.ts'));
  });
});
