// The demos running on this machine, each in a file of its own (its pid, folder and ports), so
// that a second demo can say that the ports it needs are a running demo's, and where that one is.
// In the system's temporary folder: the ports are the machine's, whichever checkout a demo runs in.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const FOLDER = path.join(tmpdir(), 'otel-three-ways-demos');

export interface RunningDemo {
  pid: number;
  /** The folder it was started in. */
  folder: string;
  /** Every port it listens on. */
  ports: number[];
  /** Its trace UI, if it started its own receiver. */
  ui?: string;
}

/** Records this process as a running demo, until it exits. */
export function registerDemo(demo: Omit<RunningDemo, 'pid' | 'folder'>): void {
  mkdirSync(FOLDER, { recursive: true });
  const file = path.join(FOLDER, `${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ ...demo, pid: process.pid, folder: process.cwd() }));
  process.once('exit', () => rmSync(file, { force: true }));
}

/** The running demo that listens on one of `ports`, if any. A file whose process is gone is removed. */
export function demoHolding(ports: number[]): RunningDemo | undefined {
  let files: string[];
  try {
    files = readdirSync(FOLDER).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined; // no demo has run here
  }
  for (const name of files) {
    const file = path.join(FOLDER, name);
    let demo: RunningDemo;
    try {
      demo = JSON.parse(readFileSync(file, 'utf8')) as RunningDemo;
    } catch {
      continue; // being written, or removed meanwhile
    }
    if (!isRunning(demo.pid)) rmSync(file, { force: true });
    else if (demo.ports.some((port) => ports.includes(port))) return demo;
  }
  return undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
