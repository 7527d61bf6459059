// A user's service (test/user-service/) with an approach added exactly as the README's "Add it to
// your service" says (test/readme-recipes.ts), as a user does it: the README's `npm install` run
// for real (npm's cache spares the network), the listed files copied, the manual approach's edits
// made in createApp(), `tsc` type-checking and building it under the service's strict tsconfig,
// and the README's start line. Each step's time is kept.
import type { AppName, ExpressMajor, ModuleFormat } from '@repo/app-catalogue';
import { collectOutput, repoRoot, type AppExit, type ProcessOutput } from '@repo/app-process';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { COPIES_FOLDER } from './copies-folder.ts';
import { appEdits, readRecipes, type AppEdit, type CopySteps } from './readme-recipes.ts';

const FIXTURE = path.join(repoRoot, 'test/user-service');
/** The service as its user has it: no build, no node_modules, no variant for another major or format. */
const SERVICE_FILES = ['package.json', 'tsconfig.json', 'public', 'src'];
export const RECIPES = readRecipes();
// `node`, `npm` and `tsc` as a user runs them, on the Node these tests run on.
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`;
const run = promisify(execFile);

export interface ServiceCopy {
  app: AppName;
  express: ExpressMajor;
  dir: string;
  /** The format it was last built as. */
  format?: ModuleFormat;
  /** Seconds each step took: the installs, each format's build. */
  seconds: { install: number; esmInstall?: number; build: Partial<Record<ModuleFormat, number>> };
}

/** Runs a command in the copy as a user types it; fails with everything it printed. */
async function inCopy(dir: string, command: string, args: string[]): Promise<number> {
  const started = performance.now();
  try {
    await run(command, args, { cwd: dir, env: { ...process.env, PATH }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(dir)}: \`${command} ${args.join(' ')}\` failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return (performance.now() - started) / 1000;
}

const npmInstall = (dir: string, packages: string[]) => inCopy(dir, 'npm', ['install', ...packages, '--prefer-offline', '--no-audit', '--no-fund']);

/** Copies the recipe's files into the service, `cat` joining several as the shell does. */
function copyFiles(dir: string, steps: CopySteps): void {
  for (const { to, from } of steps.files) {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    writeFileSync(path.join(dir, to), from.map((file) => readFileSync(path.join(repoRoot, file), 'utf8')).join(''));
  }
}

/** The service with the approach added for CommonJS, its packages installed: once per approach and major. */
export async function installCopy(app: AppName, express: ExpressMajor): Promise<ServiceCopy> {
  mkdirSync(COPIES_FOLDER, { recursive: true });
  const dir = mkdtempSync(path.join(COPIES_FOLDER, `${app}-express${express}-`));
  for (const file of SERVICE_FILES) cpSync(path.join(FIXTURE, file), path.join(dir, file), { recursive: true });
  // The same service on Express 4: its own package.json and app.ts.
  if (express === 4) for (const file of ['package.json', 'major-routes.ts']) cpSync(path.join(FIXTURE, 'express4', file), path.join(dir, file.endsWith('.ts') ? `src/${file}` : file));
  const { cjs } = RECIPES[app];
  copyFiles(dir, cjs);
  const appFile = path.join(dir, 'src/app.ts');
  writeFileSync(appFile, editApp(readFileSync(appFile, 'utf8'), appEdits(RECIPES[app]), path.join(dir, 'src')));
  return { app, express, dir, seconds: { install: await npmInstall(dir, cjs.packages), build: {} } };
}

// Where each README place is in the fixture's createApp(): a line that occurs exactly once.
const ANCHORS: Record<AppEdit['where'], { line: string; insert: 'after' | 'before' }> = {
  'before the routes': { line: 'const app = express();', insert: 'after' },
  'after the routes': { line: 'app.use(notFound);', insert: 'before' },
  'before the error handler': { line: 'app.use(handleError);', insert: 'before' },
};

/** app.ts with the README's statements added at their places, and imported from the copied file that exports each. */
function editApp(source: string, edits: AppEdit[], srcDir: string): string {
  let edited = source;
  for (const { statement, where } of edits) {
    const { line, insert } = ANCHORS[where];
    const lines = edited.split('\n');
    const at = lines.flatMap((text, i) => (text.trim() === line ? [i] : []));
    if (at.length !== 1) throw new Error(`the service's app.ts has "${line}" (${where}) ${at.length} times, not once`);
    const indent = /^\s*/.exec(lines[at[0]!]!)![0];
    lines.splice(insert === 'after' ? at[0]! + 1 : at[0]!, 0, `${indent}${statement}`);
    edited = lines.join('\n');
  }
  const imports = new Map<string, string[]>();
  for (const { statement } of edits) {
    const name = /\((\w+)\)/.exec(statement)![1]!;
    const file = readdirSync(srcDir).find((f) => new RegExp(`export (const|function) ${name}\\b`).test(readFileSync(path.join(srcDir, f), 'utf8')));
    if (!file) throw new Error(`no copied file exports ${name}`);
    const from = `./${file.replace(/\.ts$/, '.js')}`;
    imports.set(from, [...(imports.get(from) ?? []), name]);
  }
  return [...imports].map(([from, names]) => `import { ${names.join(', ')} } from '${from}';\n`).join('') + edited;
}

/**
 * Builds the copy with `tsc` as `format`: CommonJS first; the ES module build then sets `"type":
 * "module"`, takes the fixture's ES module tsconfig and runs the README's ES module lines.
 */
export async function buildCopy(copy: ServiceCopy, format: ModuleFormat): Promise<void> {
  if (copy.format === 'esm' && format === 'cjs') throw new Error('a copy built as ES modules is not built back to CommonJS');
  if (format === 'esm' && copy.format !== 'esm') {
    const { esm } = RECIPES[copy.app];
    cpSync(path.join(FIXTURE, 'tsconfig.esm.json'), path.join(copy.dir, 'tsconfig.json'));
    copyFiles(copy.dir, esm);
    const started = performance.now();
    await inCopy(copy.dir, 'npm', ['pkg', 'set', 'type=module']);
    if (esm.packages.length) await npmInstall(copy.dir, esm.packages);
    copy.seconds.esmInstall = (performance.now() - started) / 1000;
  }
  rmSync(path.join(copy.dir, 'dist'), { recursive: true, force: true });
  copy.seconds.build[format] = await inCopy(copy.dir, path.join(copy.dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json']);
  copy.format = format;
}

export interface RunningCopy extends ProcessOutput {
  port: number;
  /** Sends the signal and resolves once it has exited; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<AppExit>;
}

/** Starts the built copy with the README's start line for its format, on a free port. */
export async function startCopy(copy: ServiceCopy, env: Record<string, string>): Promise<RunningCopy> {
  const { nodeArgs } = RECIPES[copy.app][copy.format ?? 'cjs'];
  const child = spawn('node', nodeArgs, { cwd: copy.dir, env: { ...process.env, PATH, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<Pick<AppExit, 'code' | 'signal'>>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const output = collectOutput(child, `the ${copy.app} copy (Express ${copy.express}, ${copy.format})`);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<AppExit> => {
    const started = Date.now();
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.kill(signal);
    const exit = await exited;
    clearTimeout(killer);
    return { ...exit, ms: Date.now() - started };
  };
  try {
    const listening = output.waitForOutput(/listening on (\d+)/, 20_000);
    const [, port] = await Promise.race([listening, exited.then(() => Promise.reject(new Error(`the ${copy.app} copy exited before listening:\n${output.output()}`)))]);
    return { ...output, port: Number(port), stop };
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
}

/** Removes the copies, and their folder once empty. */
export function removeCopies(copies: ServiceCopy[]): void {
  for (const { dir } of copies) rmSync(dir, { recursive: true, force: true });
  if (existsSync(COPIES_FOLDER) && readdirSync(COPIES_FOLDER).length === 0) rmSync(COPIES_FOLDER, { recursive: true, force: true });
}
