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

/** Where a process's CPU time went so far, in seconds, by thread kind and user/system; and its page faults. */
export interface CpuSplit {
  mainUser: number;
  mainSystem: number;
  /** V8's platform threads: the garbage collector's helpers, concurrent marking, compilation. */
  v8Workers: number;
  /** libuv's thread pool (DNS, file system, zlib) and any other thread. */
  otherThreads: number;
  /** Minor page faults of the whole process: memory first touched, as the heap grows. */
  minorFaults: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ, Linux's unit for utime and stime in /proc

/**
 * Each thread's user and system time from /proc/<pid>/task/<tid>/stat (10 ms ticks: read it
 * over runs of seconds): the main thread's (its tid is the pid), V8's workers (by name), the rest.
 */
export function cpuSplit(pid: number): CpuSplit {
  const split: CpuSplit = { mainUser: 0, mainSystem: 0, v8Workers: 0, otherThreads: 0, minorFaults: 0 };
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // The fields after the name, from the third (state): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [user, system] = [Number(fields[11]) / TICKS_PER_SECOND, Number(fields[12]) / TICKS_PER_SECOND];
    if (thread === String(pid)) {
      split.mainUser += user;
      split.mainSystem += system;
    } else if (name === 'V8Worker') split.v8Workers += user + system;
    else split.otherThreads += user + system;
  }
  const process = readFileSync(`/proc/${pid}/stat`, 'utf8');
  split.minorFaults = Number(process.slice(process.lastIndexOf(')') + 2).split(' ')[7]);
  return split;
}

/** `after` minus `before`, figure by figure. */
export function cpuSplitBetween(before: CpuSplit, after: CpuSplit): CpuSplit {
  return Object.fromEntries(Object.keys(after).map((key) => [key, after[key as keyof CpuSplit] - before[key as keyof CpuSplit]])) as unknown as CpuSplit;
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
