// vitest's global setup: when the whole run ends, no process that a test started may be left,
// and so no port that one held. A leftover is killed and named, and the run fails.
import { randomUUID } from 'node:crypto';
import { descendants, listProcesses, startEnvironment, type ProcessEntry } from './process-tree.ts';

// Set here, before vitest starts its workers: every process a test starts inherits it, and keeps it
// when its parent dies and it passes to init (a daemon, or the app under an `npm start` killed).
const RUN_VARIABLE = 'OTEL_THREE_WAYS_TEST_RUN';
// vitest's own: its workers, and the watchdog that ends them if vitest dies.
const VITEST_OWN = /\/node_modules\/vitest\/|^vitest-watchdog$/;

/**
 * Of `processes`, this run's: below vitest by parentage, or started with the run's id (`marked`).
 * Not a demo, say, that someone runs from another shell in the same checkout. Never one that
 * started before vitest, whatever else this says: the teardown kills what it returns.
 */
export function ofRun(processes: ProcessEntry[], vitest: number, marked: (pid: number) => boolean): ProcessEntry[] {
  const self = processes.find(({ pid }) => pid === vitest);
  if (!self) return [];
  const below = new Set(descendants(vitest, processes).map(({ pid }) => pid));
  return processes.filter(({ pid, started, command }) => started >= self.started && pid !== vitest && !VITEST_OWN.test(command) &&
    (below.has(pid) || marked(pid)));
}

/** This run's processes (`run`: its id) still there. */
export function processesOfRun(vitest: number, run: string): ProcessEntry[] {
  return ofRun(listProcesses(), vitest, (pid) => startEnvironment(pid, RUN_VARIABLE) === run);
}

export function setup(): () => void {
  const run = `${process.pid}-${randomUUID()}`;
  process.env[RUN_VARIABLE] = run;
  return () => {
    const left = processesOfRun(process.pid, run);
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (left.length) throw new Error(`the tests left ${left.length} process(es) running (now killed):\n${left.map(({ pid, command }) => `  ${pid} ${command}`).join('\n')}`);
  };
}
