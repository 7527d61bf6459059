// The OpenTelemetry Collector (from otelcol-manifest.yaml), telemetrygen, contrib's OTLP load
// generator, and Jaeger, built from their Go modules at pinned versions into a cache outside the
// repository (${XDG_CACHE_HOME:-~/.cache}/otel-three-ways), once per machine: a second run finds
// them there.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const COLLECTOR_MANIFEST = path.join(import.meta.dirname, 'otelcol-manifest.yaml');
const BUILDER = { module: 'go.opentelemetry.io/collector/cmd/builder', version: 'v0.165.0', binary: 'builder' };
// The newest version the Go module proxy serves (0.162 and later are not there).
export const TELEMETRYGEN = { module: 'github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen', version: 'v0.161.0', binary: 'telemetrygen' };
// Jaeger v2 (an OpenTelemetry Collector distribution), `go get -tool` into a scratch module, then built.
export const JAEGER = { module: 'github.com/jaegertracing/jaeger/cmd/jaeger', version: 'v1.75.0', binary: 'jaeger' };
// telemetrygen v0.161.0's go.mod asks for Go 1.26; the collector's, for 1.25; Jaeger's, for 1.24.6.
const GO_NEEDED = 'Go 1.26 or later (https://go.dev/dl/)';

/** A build that cannot be done, in one line: what failed and where its whole log is. */
export class GoBuildError extends Error {
  override name = 'GoBuildError';
}

/** Where the builds are kept: ${XDG_CACHE_HOME:-$HOME/.cache}/otel-three-ways. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'otel-three-ways');
}

export interface Built {
  binary: string;
  /** Seconds it took, or undefined when it was in the cache already. */
  builtInSeconds?: number;
}

/**
 * The collector binary of otelcol-manifest.yaml, built unless the cache has it. `builder --config`
 * alone fails in its own `go mod tidy`: fileexporter's tests import otlpencodingextension v0.165.1,
 * which the module proxy does not serve. So: generate the sources and go.mod (that tidy fails, as
 * expected), tidy them with -e (which leaves out what only tests import), then compile.
 */
export async function buildCollector(say: (line: string) => void = () => {}): Promise<Built> {
  const manifest = readFileSync(COLLECTOR_MANIFEST, 'utf8');
  const key = createHash('sha256').update(`${BUILDER.version}\n${manifest}`).digest('hex').slice(0, 16);
  return cached(`otelcol-${key}`, path.join('otelcol', 'otelcol-three-ways'), say, 'the OpenTelemetry Collector', '(minutes, on a machine where Go has built nothing of it yet)', async (work, log) => {
    const { binary: builder } = await goInstall(BUILDER, say);
    writeFileSync(path.join(work, 'manifest.yaml'), manifest);
    // The builder leaves an empty otelcol-distribution* folder in TMPDIR each time: here, in the build's folder.
    const env = { TMPDIR: work };
    await run(builder, ['--config', 'manifest.yaml', '--skip-compilation'], work, log, { env, mayFail: true });
    if (!existsSync(path.join(work, 'otelcol', 'go.mod'))) throw new Error('the builder wrote no go.mod');
    await run('go', ['mod', 'tidy', '-e'], path.join(work, 'otelcol'), log);
    await run(builder, ['--config', 'manifest.yaml', '--skip-generate', '--skip-get-modules'], work, log, { env });
  });
}

/** telemetrygen at its pinned version, installed unless the cache has it. */
export function buildTelemetrygen(say: (line: string) => void = () => {}): Promise<Built> {
  return goInstall(TELEMETRYGEN, say);
}

/** Jaeger at its pinned version, built unless the cache has it. */
export function buildJaeger(say: (line: string) => void = () => {}): Promise<Built> {
  return cached(`jaeger-${JAEGER.version}`, JAEGER.binary, say, `Jaeger ${JAEGER.version}`, '(minutes, on a machine where Go has built nothing of it yet)', async (work, log) => {
    await run('go', ['mod', 'init', 'jaeger-build'], work, log);
    await run('go', ['get', '-tool', `${JAEGER.module}@${JAEGER.version}`], work, log);
    await run('go', ['build', '-o', JAEGER.binary, JAEGER.module], work, log);
  });
}

function goInstall(tool: typeof BUILDER, say: (line: string) => void): Promise<Built> {
  return cached(`${tool.binary}-${tool.version}`, tool.binary, say, `${tool.binary} ${tool.version}`, '', (work, log) =>
    run('go', ['install', `${tool.module}@${tool.version}`], work, log, { env: { GOBIN: work } }));
}

/**
 * `dir/binary` in the cache, made by `build` in a folder of its own first if absent: renamed into
 * place only once whole, so that a build cut short, or one running beside it, leaves no half.
 */
async function cached(dir: string, binary: string, say: (line: string) => void, what: string, howLong: string, build: (work: string, log: WriteStream) => Promise<void>): Promise<Built> {
  const root = cacheRoot();
  const final = path.join(root, dir);
  if (existsSync(path.join(final, binary))) return { binary: path.join(final, binary) };
  await checkGo(what);
  mkdirSync(root, { recursive: true });
  const logFile = path.join(root, `${dir}.log`);
  const log = createWriteStream(logFile);
  const work = await mkdtemp(path.join(root, `${dir}.building-`));
  say(`building ${what}${howLong ? ` ${howLong}` : ''} into ${final}; its log: ${logFile}`);
  const started = performance.now();
  try {
    await build(work, log);
    if (!existsSync(path.join(work, binary))) throw new Error(`${binary} was not made`);
    if (existsSync(final)) rmSync(work, { recursive: true, force: true }); // a build beside this one was first
    else renameSync(work, final);
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw new GoBuildError(`building ${what} failed: ${(error as Error).message}; the whole log: ${logFile}`);
  } finally {
    log.end();
  }
  return { binary: path.join(final, binary), builtInSeconds: (performance.now() - started) / 1000 };
}

async function checkGo(what: string): Promise<void> {
  const found = await new Promise<boolean>((resolve) => {
    const go = spawn('go', ['version'], { stdio: 'ignore' });
    go.once('error', () => resolve(false)).once('exit', (code) => resolve(code === 0));
  });
  if (!found) throw new GoBuildError(`\`go\` is not on PATH: install ${GO_NEEDED} to build ${what}`);
}

/** Runs a step, its output to `log`; a failure says the step and its last line of output. */
function run(command: string, args: string[], cwd: string, log: WriteStream, options: { env?: Record<string, string>; mayFail?: boolean } = {}): Promise<void> {
  const step = `${path.basename(command)} ${args.join(' ')}`;
  log.write(`\n$ ${step}   (in ${cwd})\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let last = '';
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      last = (last + chunk.toString()).split('\n').filter((line) => line.trim()).at(-1) ?? last;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new Error(`${step}: ${error.message}`)));
    child.once('close', (code) => (code === 0 || options.mayFail ? resolve() : reject(new Error(`${step} exited with ${code}: ${last.trim()}`))));
  });
}
