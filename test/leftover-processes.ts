// vitest's global setup: when the whole run ends, no process that a test started may be left,
// and so no port that one held. A leftover is killed and named, and the run fails.
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { COPIES_FOLDER } from './copies-folder.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
// What the tests start: the apps (every build, apps/express4's too), a user's service copied by the README's lines
// (in COPIES_FOLDER), the receiver command, the client, the benchmark's collector, the demo, the OpenTelemetry Collector
// and telemetrygen, and the browser tests' Chromium (its profile is a temporary folder).
const OURS = [/dist\/[\w-]+\/main\.js/, /(^|\s)dist\/main\.js(\s|$)/, /scripts\/(receiver|client|demo)\.ts/, /scripts\/(bench|collector)\//, /otelcol-three-ways|telemetrygen/, /chromium-profile-/];

/** Processes of ours: started in this checkout or in its copies (their working folder is in one), or our Chromium. */
function leftovers(): { pid: number; command: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, pid, command]) => ({ pid: Number(pid), command }))
    .filter(({ pid, command }) => pid !== process.pid && OURS.some((pattern) => pattern.test(command)) &&
      (command.includes('chromium-profile-') || [repoRoot, COPIES_FOLDER].some((folder) => workingFolder(pid).startsWith(folder))));
}

function workingFolder(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return ''; // gone, or not ours to read
  }
}

export function setup(): () => void {
  const before = new Set(leftovers().map(({ pid }) => pid));
  return () => {
    const left = leftovers().filter(({ pid }) => !before.has(pid));
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
