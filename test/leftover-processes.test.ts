// The teardown's search (test/leftover-processes.ts): this run's processes by parentage, and by
// the run's id in their environment once their parent has died; never one started elsewhere, such
// as a demo someone runs from another shell in this checkout.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ofRun, processesOfRun } from './leftover-processes.ts';

const RUN = process.env.OTEL_THREE_WAYS_TEST_RUN!;
// The run's id begins with the pid of the vitest process that made it.
const VITEST = Number.parseInt(RUN, 10);
const withoutRun = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'OTEL_THREE_WAYS_TEST_RUN'));

/** A `sleep` whose parent (a shell) has exited at once: it passes to init, out of vitest's tree. */
function orphan(env: NodeJS.ProcessEnv): number {
  const pid = Number(spawnSync('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { env, encoding: 'utf8' }).stdout);
  onTestFinished(() => void process.kill(pid, 'SIGKILL'));
  return pid;
}

const found = (pid: number) => processesOfRun(VITEST, RUN).some((entry) => entry.pid === pid);

describe("the teardown's search for processes a test left", () => {
  it('finds a child of a test, by parentage, even without the run id', () => {
    const child = spawn('sleep', ['60'], { env: withoutRun, stdio: 'ignore' });
    onTestFinished(() => void child.kill('SIGKILL'));
    expect(found(child.pid!)).toBe(true);
  });

  it('finds a process whose parent has died, by the run id it inherited', () => {
    expect(found(orphan(process.env))).toBe(true);
  });

  it('leaves alone a process started outside the run: no run id, not below vitest', () => {
    expect(RUN).toMatch(/^\d+-/);
    expect(found(orphan(withoutRun))).toBe(false);
  });

  it('never a process that started before vitest, even one that the rest of the search would take (what the teardown finds, it kills)', () => {
    const entry = (pid: number, ppid: number, started: number, command = 'node scripts/receiver.ts') => ({ pid, ppid, started, command, args: command.split(' ') });
    const processes = [
      entry(1, 0, 0, 'init'), entry(10, 1, 50, 'bash'), entry(20, 10, 100, 'node vitest'), entry(21, 20, 101, '/x/node_modules/vitest/dist/workers/forks.js'),
      entry(30, 21, 110), entry(31, 1, 120), entry(32, 1, 130), entry(40, 1, 90),
    ];
    const marked = new Set([31, 40]);
    // 30: below vitest; 31: marked, its parent gone; 32: neither; 40: marked, but older than vitest.
    expect(ofRun(processes, 20, (pid) => marked.has(pid)).map(({ pid }) => pid)).toEqual([30, 31]);
    expect(ofRun(processes, 20, () => true).map(({ pid }) => pid)).toEqual([30, 31, 32]);
  });
});
