import { createServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';

export interface RunServerOptions {
  /** The port when PORT is unset. */
  defaultPort: number;
  /** How long in-flight requests get to finish after SIGTERM/SIGINT. Default 5 s. */
  drainTimeoutMs?: number;
  /** The whole shutdown's deadline; past it the process exits with 1. Default 10 s. */
  exitTimeoutMs?: number;
  env?: Record<string, string | undefined>;
  /** Its command line: none but --help. Default process.argv.slice(2). */
  args?: string[];
}

export function readPort(defaultPort: number, env: Record<string, string | undefined> = process.env): number {
  const value = env.PORT?.trim();
  return value ? parsePort(value, 'PORT') : defaultPort;
}

/** A port number from a variable or flag called `name`; a clear error for anything else. */
export function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new Error(`${name}="${value}" is not a port number (0-65535)`);
  return port;
}

/** The version of the Express the app's main module resolves (4 or 5, by where it runs from); none without one. */
export function runningExpressVersion(): string | undefined {
  try {
    return (createRequire(process.argv[1])('express/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** `, express <version>`: the Express that the app's main module resolves (4 or 5), if any. */
function runningExpress(): string {
  const version = runningExpressVersion();
  return version ? `, express ${version}` : '';
}

/**
 * Listens on PORT and, on SIGTERM or SIGINT, stops accepting connections, lets in-flight
 * requests finish, and lets the process exit by itself (code 0). It does not call
 * process.exit() on the happy path: each app's SDK flushes on `beforeExit`, which
 * process.exit() would skip.
 */
export function runServer(app: RequestListener, options: RunServerOptions): Server {
  const { defaultPort, drainTimeoutMs = 5000, exitTimeoutMs = 10000, args = process.argv.slice(2) } = options;
  // Environment variables set it, as they set the SDK: an argument would be dropped, so it is refused.
  const settings = `PORT (default ${defaultPort}; 0 takes a free port) and the OTEL_* variables`;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Listens on PORT until SIGTERM or Ctrl-C, and takes no arguments: ${settings} configure it.`);
    process.exit(0);
  }
  if (args.length) {
    console.error(`cannot start: unexpected argument "${args[0]}": the app takes none; ${settings} configure it`);
    process.exit(2);
  }
  let port: number;
  try {
    port = readPort(defaultPort, options.env);
  } catch (error) {
    // An unusable PORT stops the app before it starts: one line naming it, not a stack trace.
    console.error(`cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
  let stopping: Promise<void> | undefined;

  // A server of its own rather than app.listen(): Express 5's reports a listen error to its
  // callback, Express 4's leaves it to crash the process.
  const server = createServer(app);
  server.once('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? `port ${port} is already in use; stop whatever holds it or set PORT` : error.message;
    console.error(`cannot listen: ${reason}`);
    process.exitCode = 1;
    void stop();
  });
  server.listen(port, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    console.log(`listening on http://localhost:${actualPort} (pid ${process.pid}${runningExpress()})`);
  });

  // While stopping, in-flight requests are answered with "Connection: close", so that keep-alive
  // clients let go of their connections and close() completes without waiting for them.
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });

  function stop(signal?: NodeJS.Signals): Promise<void> {
    stopping ??= (async () => {
      if (signal) console.log(`${signal}: closing the server, finishing in-flight requests`);
      // A request that is still running at the deadline gets cut, so the deadline holds.
      setTimeout(() => {
        console.error(`shutdown took over ${exitTimeoutMs} ms; exiting`);
        process.exit(1);
      }, exitTimeoutMs).unref();
      const drainTimer = setTimeout(() => server.closeAllConnections(), drainTimeoutMs).unref();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      clearTimeout(drainTimer);
    })();
    return stopping;
  }

  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
