// Preloaded (NODE_OPTIONS=--import) into a command that should start nothing, such as `--help`:
// writes a `started: …` line on stderr for each server it listens with, connection it opens and
// process it starts, before doing it, so that the test sees what the command did, not only what
// it printed.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const say = (what: string) => process.stderr.write(`started: ${what}\n`);
type Method = (this: unknown, ...args: unknown[]) => unknown;
function announce<T extends object>(owner: T, name: keyof T & string, what: (args: unknown[]) => string): void {
  const original = owner[name] as Method;
  owner[name] = function (this: unknown, ...args: unknown[]) {
    say(what(args));
    return original.apply(this, args);
  } as T[keyof T & string];
}

announce(net.Server.prototype, 'listen', () => 'a listener');
announce(net.Socket.prototype, 'connect', () => 'a connection');
for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'] as const) {
  announce(childProcess, name, ([command]) => `${name} ${String(command)}`);
}
// `import { spawn } from 'node:child_process'` in the command gets the announcing one too.
syncBuiltinESMExports();
