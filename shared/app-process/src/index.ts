import { spawn } from 'node:child_process';
import path from 'node:path';

export const APP_NAMES = ['manual', 'automatic', 'programmatic'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** The service name each app reports when OTEL_SERVICE_NAME is unset: the Python original's. */
export const SERVICE_NAMES: Record<AppName, string> = {
  manual: 'manual-instrument-service',
  automatic: 'auto-instrument-service',
  programmatic: 'programmatic-instrument-service',
};

/** The port each app listens on when PORT is unset (its main.ts says so too). */
export const DEFAULT_PORTS: Record<AppName, number> = { manual: 8081, automatic: 8082, programmatic: 8083 };

/** Each app's src/ is built twice: CommonJS (dist/cjs, `npm start`), and ES modules (dist/esm, `npm run start:esm`). */
export const MODULE_FORMATS = ['cjs', 'esm'] as const;
export type ModuleFormat = (typeof MODULE_FORMATS)[number];

/** The repository root, where `npm start --workspace apps/<name>` runs. */
export const repoRoot = path.resolve(__dirname, '../../..');

export interface AppProcess {
  readonly name: AppName;
  readonly format: ModuleFormat;
  /** The app's own process (npm's child). */
  readonly pid: number;
  /** The port it listens on, read from its "listening on" line. */
  readonly port: number;
  readonly url: string;
  /** What it printed so far (npm's lines included), the last 256 KB of it. */
  output(): string;
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
  /**
   * `start` (default); `untraced`, the automatic app without OpenTelemetry (`start:untraced`,
   * `start:untraced:esm`); `without-loader-hook`, the automatic ESM build without the loader hook.
   */
  variant?: 'start' | 'untraced' | 'without-loader-hook';
  /** Added to the environment; PORT defaults to 0 (a free port). */
  env?: Record<string, string>;
  /** Runs it pinned to these CPUs (`taskset -c`), for the benchmark. */
  cpuList?: string;
  /** How long to wait for the "listening on" line. Default 20 s. */
  timeoutMs?: number;
}

/**
 * Starts an app with its own start script, `npm start --workspace apps/<name>`. The script
 * `exec`s node, so npm's child is the app itself; stop() signals it directly.
 */
export function startApp(name: AppName, options: StartAppOptions = {}): Promise<AppProcess> {
  const format = options.format ?? 'cjs';
  const npm = ['npm', 'run', startScript(format, options.variant ?? 'start'), '--silent', '--workspace', `apps/${name}`];
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
  let output = '';
  // The last 256 KB: a benchmark makes the apps log a line per request.
  const keep = (text: string) => (output = (output + text).slice(-256 * 1024));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killAll();
      reject(new Error(`${name} did not start within ${options.timeoutMs ?? 20_000} ms. Output:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before listening. Output:\n${output}`));
    });
    const onData = () => {
      const match = /listening on http:\/\/localhost:(\d+) \(pid (\d+)\)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const port = Number(match[1]);
      const pid = Number(match[2]);
      resolve({
        name,
        format,
        pid,
        port,
        url: `http://localhost:${port}`,
        output: () => output,
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
      });
    };
    child.stdout.on('data', onData);
  });
}

/** The package script that starts an app's build of `format`, as its package.json names it. */
export function startScript(format: ModuleFormat, variant: NonNullable<StartAppOptions['variant']>): string {
  if (variant === 'without-loader-hook') return 'start:esm:without-loader-hook';
  const base = variant === 'untraced' ? 'start:untraced' : 'start';
  return format === 'esm' ? `${base}:esm` : base;
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
