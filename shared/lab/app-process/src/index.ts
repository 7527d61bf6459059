import { APP_NAMES, APPS, startScript, type AppName, type ExpressMajor, type ModuleFormat, type StartVariant } from '@repo/app-catalogue';
import { ConditionWaiters } from '@repo/condition-waiters';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The repository root, where `npm start --workspace apps/<name>` runs. */
export const repoRoot = path.resolve(__dirname, '../../../..');

export interface AppProcess extends ProcessOutput {
  readonly name: AppName;
  /** The app's own process (npm's child). */
  readonly pid: number;
  /** The port it listens on, read from its "listening on" line. */
  readonly port: number;
  readonly url: string;
  /** The version of the Express it runs, as its "listening on" line says. */
  readonly expressVersion?: string;
  /** Sends the signal to the app and resolves when it has exited; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<AppExit>;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the exit. */
  ms: number;
}

export interface StartAppOptions {
  /** Which build to start: `cjs` (default, `npm start`) or `esm` (`npm run start:esm`). */
  format?: ModuleFormat;
  /** `start` (default), `untraced` or `without-loader-hook`: see StartVariant. */
  variant?: StartVariant;
  /** The Express major it runs on: 5 (default) or 4 (`npm run start:express4`). */
  express?: ExpressMajor;
  /** Added to the environment; PORT defaults to 0 (a free port). */
  env?: Record<string, string>;
  /** Runs it pinned to these CPUs (`taskset -c`), for the benchmark. */
  cpuList?: string;
  /** How long to wait for the "listening on" line. Default 20 s. */
  timeoutMs?: number;
}

/** An app that exited before it listened: its exit code (or signal), and all it printed (also in the message). */
export class AppStartError extends Error {
  override name = 'AppStartError';
  constructor(app: AppName, readonly exit: string, readonly output: string) {
    super(`${app} exited (${exit}) before listening. Output:\n${output}`);
  }
}

/**
 * Starts an app with its own start script, `npm start --workspace apps/<name>`. The script
 * `exec`s node, so npm's child is the app itself; stop() signals it directly.
 */
export function startApp(name: AppName, options: StartAppOptions = {}): Promise<AppProcess> {
  const npm = ['npm', 'run', startScript(options.format ?? 'cjs', options.variant, options.express), '--silent', '--workspace', APPS[name].directory];
  const command = options.cpuList === undefined ? npm : ['taskset', '-c', options.cpuList, ...npm];
  const child = spawn(command[0], command.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a SIGKILL reaches the app too: npm cannot forward that one.
    detached: true,
  });
  const killAll = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const { output, waitForOutput } = collectOutput(child, name);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  // Ready once it prints its "listening on" line (runServer's), within timeoutMs; failed if it exits first.
  const listening = Promise.race([
    waitForOutput(/listening on http:\/\/localhost:(\d+) \(pid (\d+)(?:, express ([\d.]+))?\)/, options.timeoutMs ?? 20_000),
    exited.then(({ code, signal }) => Promise.reject(new AppStartError(name, String(signal ?? code), output()))),
  ]);
  return listening.then(
    (match): AppProcess => {
      const port = Number(match[1]);
      const pid = Number(match[2]);
      const expressVersion = match[3];
      return {
        name,
        pid,
        port,
        url: `http://localhost:${port}`,
        expressVersion,
        output,
        waitForOutput,
        async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
          const started = Date.now();
          const killer = setTimeout(killAll, timeoutMs);
          if (signal === 'SIGKILL') killAll();
          else {
            try {
              process.kill(pid, signal); // to the app itself, as a process manager would
            } catch {
              // already gone
            }
          }
          const result = await exited;
          clearTimeout(killer);
          return { ...result, ms: Date.now() - started };
        },
      };
    },
    (error: Error) => {
      killAll();
      throw error;
    },
  );
}

/**
 * Starts the three apps side by side, hands them to `use`, then stops them with SIGTERM, which
 * makes each flush every span it still holds: after this, everything they traced was exported.
 */
export async function withAllApps<T>(
  options: StartAppOptions,
  use: (apps: Record<AppName, AppProcess>) => Promise<T>,
): Promise<{ result: T; exits: Record<AppName, AppExit> }> {
  const started = await Promise.allSettled(APP_NAMES.map((name) => startApp(name, options)));
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    throw failed.reason;
  }
  const byName = Object.fromEntries(apps.map((app) => [app.name, app])) as Record<AppName, AppProcess>;
  let result: T;
  try {
    result = await use(byName);
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    throw error;
  }
  const exits = await Promise.all(apps.map(async (app) => [app.name, await app.stop('SIGTERM')] as const));
  return { result, exits: Object.fromEntries(exits) as Record<AppName, AppExit> };
}

export interface ProcessOutput {
  /** What the process printed so far, stdout and stderr as they came, the last 256 KB of it. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, as soon as it is there; rejects after `timeoutMs` (default 10 s). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** The output collectOutput keeps of a process: the last 256 KB. */
const KEPT_OUTPUT = 256 * 1024;

/**
 * Keeps what a child process prints (the last 256 KB: a benchmark makes the apps log a line per
 * request) and lets a caller wait for a line of it, checked as each piece arrives: the one way
 * the tests and tools wait for a process to say something. `what` names it in a timeout's error.
 */
export function collectOutput(child: ChildProcess, what: string): ProcessOutput {
  let output = '';
  const waiters = new ConditionWaiters();
  const keep = (text: string) => {
    // Trimmed to the last 256 KB only once it doubles: slicing at every chunk copied 256 KB per
    // log line, and a reader that slow fills the pipe, which blocks an app writing to it (pino
    // writes stdout synchronously): the benchmark saw its p99 in the app's write().
    output += text;
    if (output.length > 2 * KEPT_OUTPUT) output = output.slice(-KEPT_OUTPUT);
    waiters.changed();
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const waitForOutput = (pattern: RegExp, timeoutMs = 10_000) => waiters.waitFor(
    () => pattern.exec(output) ?? undefined,
    timeoutMs,
    () => new Error(`${what} printed nothing matching ${pattern} within ${timeoutMs} ms. Output:\n${output}`),
  );
  return { output: () => output.slice(-KEPT_OUTPUT), waitForOutput };
}

export interface ToolProcess extends ProcessOutput {
  readonly child: ChildProcess;
  /** Its exit code once it has exited (null if a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Sends `signal` to its whole process group, as Ctrl-C does, and resolves once it has exited; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts one of the project's commands, `node scripts/<file> ...args`, from the repository root
 * on this Node (Node 24, as npm run gives it), in a process group of its own so that stop()
 * reaches whatever it started: the demo, the receiver command, the client.
 */
export function startTool(file: string, args: string[] = [], env: Record<string, string> = {}): ToolProcess {
  const child = spawn(process.execPath, [path.join('scripts', file), ...args], {
    cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  return {
    child,
    exited,
    ...collectOutput(child, file),
    async stop(signal = 'SIGINT', timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const killer = setTimeout(() => signalGroup('SIGKILL'), timeoutMs);
      signalGroup(signal);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
