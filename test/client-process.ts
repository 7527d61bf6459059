// `npm run client` as the tests run it: scripts/client.ts on this Node, to its end.
import { repoRoot } from '@repo/app-process';
import { spawn } from 'node:child_process';

/** Runs the client with `args` and the extra `env`; resolves with its exit code and all it printed. */
export function runClient(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/client.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.once('exit', (code) => resolve({ code, output }));
  });
}
