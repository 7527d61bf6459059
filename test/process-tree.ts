// The processes on this machine as Linux's /proc tells them: each one's parent, its command line
// and, for a process of our own user, the environment it was started with.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** When it started, in clock ticks since the machine booted: a parent's is never later than its child's. */
  started: number;
  /** Its command line, as `args` joined by spaces. */
  command: string;
  args: string[];
}

/** Every process still running (zombies, which have ended, and processes exiting left out). */
export function listProcesses(): ProcessEntry[] {
  const list: ProcessEntry[] = [];
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // `pid (name) state ppid … starttime …` (proc(5)): the name may hold spaces and parentheses,
      // so the fields are read after the last ')', the state first and the start time 20th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // No command line: a kernel thread, or a process exiting, its memory already released (seen
      // once at a run's end, after a test's SIGKILL): neither is running anything of ours.
      if (!args.length) continue;
      list.push({ pid: Number(name), ppid: Number(fields[1]), started: Number(fields[19]), command: args.join(' '), args });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}

/** The processes below `root`, by parentage: its children, theirs, and so on. */
export function descendants(root: number, processes = listProcesses()): ProcessEntry[] {
  const children = Map.groupBy(processes, (entry) => entry.ppid);
  const below: ProcessEntry[] = [];
  for (let parents = [root]; parents.length;) {
    const next = parents.flatMap((pid) => children.get(pid) ?? []);
    below.push(...next);
    parents = next.map((entry) => entry.pid);
  }
  return below;
}

/** `name`'s value in the environment `pid` was started with; undefined if it has none, or it cannot be read. */
export function startEnvironment(pid: number, name: string): string | undefined {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}
