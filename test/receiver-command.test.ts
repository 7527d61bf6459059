// `npm run receiver` (scripts/receiver.ts): the receiver and its trace UI as one command.
import { repoRoot } from '@repo/app-process';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';

function runReceiver(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/receiver.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Gone when the test ends, however it ends.
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  // Resolves as soon as the output matches, from the output's own data events.
  const line = (pattern: RegExp) => new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(match);
    };
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in:\n${output}`)), 10_000);
    child.stdout.on('data', check);
    check();
  });
  return { child, exited, line, output: () => output };
}

describe('npm run receiver', () => {
  it('prints where the UI is, serves it, and stops on SIGINT with its count', async () => {
    const receiver = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    const [, url] = await receiver.line(/Trace UI: (http:\/\/localhost:\d+)/);
    expect((await fetch(`${url}/api/traces`)).status).toBe(200);
    receiver.child.kill('SIGINT');
    expect(await receiver.exited).toBe(0);
    expect(receiver.output()).toContain('OTLP receiver stopped: 0 spans in 0 exports, 0 rejected');
  });

  it.each([
    { what: '--ui-port ui', args: ['--ui-port', 'ui'], env: {} as Record<string, string>, message: 'receiver: --ui-port="ui" is not a port number (0-65535)' },
    { what: 'TRACE_UI_PORT=70000', args: ['--grpc-port', '0', '--http-port', '0'], env: { TRACE_UI_PORT: '70000' }, message: 'receiver: TRACE_UI_PORT="70000" is not a port number (0-65535)' },
  ])('refuses $what with a message naming it, and exits 1', async ({ args, env, message }) => {
    const receiver = runReceiver(args, env);
    expect(await receiver.exited).toBe(1);
    expect(receiver.output().trim()).toBe(message);
  });

  it('says so when the UI port is taken, and exits 1 (the running one goes on)', async () => {
    const first = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    const [, port] = await first.line(/Trace UI: http:\/\/localhost:(\d+)/);
    const second = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', port]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`receiver: trace UI port ${port} is already in use`);
    expect((await fetch(`http://localhost:${port}/api/traces`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
