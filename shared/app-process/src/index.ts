import { spawn } from 'node:child_process';
import path from 'node:path';

export const APP_NAMES = ['manual', 'automatic', 'programmatic'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** The repository root, where `npm start --workspace apps/<name>` runs. */
export const repoRoot = path.resolve(__dirname, '../../..');

export interface AppProcess {
  readonly name: AppName;
  readonly pid: number;
  /** The port it listens on, read from its "listening on" line. */
  readonly port: number;
  readonly url: string;
  /** Everything it printed so far (npm's lines included). */
  output(): string;
  /** Sends the signal and resolves when the process has exited; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<AppExit>;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the exit. */
  ms: number;
}

export interface StartAppOptions {
  /** Added to the environment; PORT defaults to 0 (a free port). */
  env?: Record<string, string>;
  /** How long to wait for the "listening on" line. Default 20 s. */
  timeoutMs?: number;
}

/**
 * Starts an app with its own start script, `npm start --workspace apps/<name>`, which `exec`s
 * node, so that a signal sent to npm is forwarded to the app itself.
 */
export function startApp(name: AppName, options: StartAppOptions = {}): Promise<AppProcess> {
  const child = spawn('npm', ['start', '--silent', '--workspace', `apps/${name}`], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${options.timeoutMs ?? 20_000} ms. Output:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before listening. Output:\n${output}`));
    });
    const onData = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const port = Number(match[1]);
      resolve({
        name,
        pid: child.pid!,
        port,
        url: `http://localhost:${port}`,
        output: () => output,
        async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
          const started = Date.now();
          const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.kill(signal);
          const result = await exited;
          clearTimeout(killer);
          return { ...result, ms: Date.now() - started };
        },
      });
    };
    child.stdout.on('data', onData);
  });
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
