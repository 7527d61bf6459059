// `npm run receiver` (scripts/receiver.ts): the receiver and its trace UI as one command.
import { startTool } from '@repo/app-process';
import { describe, expect, it, onTestFinished } from 'vitest';

/** `node scripts/receiver.ts`, stopped when the test ends, however it ends. */
function runReceiver(args: string[], env: Record<string, string> = {}) {
  const receiver = startTool('receiver.ts', args, env);
  onTestFinished(async () => {
    await receiver.stop('SIGKILL');
  });
  return receiver;
}

describe('npm run receiver', () => {
  it('prints where the UI is, serves it, and stops on SIGINT with its count', async () => {
    const receiver = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    const [, url] = await receiver.waitForOutput(/Trace UI: (http:\/\/localhost:\d+)/);
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
    const [, port] = await first.waitForOutput(/Trace UI: http:\/\/localhost:(\d+)/);
    const second = runReceiver(['--grpc-port', '0', '--http-port', '0', '--ui-port', port]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`receiver: trace UI port ${port} is already in use`);
    expect((await fetch(`http://localhost:${port}/api/traces`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
