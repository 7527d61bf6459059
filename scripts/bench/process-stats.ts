// What the benchmark reads of a process from Linux's /proc, and where it runs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * The CPU time a process's threads have run so far (user and system), in seconds: the sum of
 * each thread's schedstat, in nanoseconds (/proc/<pid>/stat counts in 10 ms ticks, too coarse
 * for a short run). A thread that has already exited is not counted; Node's threads live as
 * long as the process.
 */
export function cpuSeconds(pid: number): number {
  let nanoseconds = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    nanoseconds += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
  }
  return nanoseconds / 1e9;
}

/** A process's peak resident memory so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/**
 * Pins this process, and the children it starts from now on, to every CPU but the last, and
 * returns the last one, for the app under test. Undefined (nothing pinned) with one CPU.
 */
export function pinSelf(): string | undefined {
  const cpus = os.availableParallelism();
  if (cpus < 2) return undefined;
  execFileSync('taskset', ['-cp', `0-${cpus - 2}`, String(process.pid)], { stdio: 'ignore' });
  return String(cpus - 1);
}
