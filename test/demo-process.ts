// The demo as the tests start it (test/demo.test.ts, test/demo-collector.test.ts).
import { startTool } from '@repo/app-process';
import { onTestFinished } from 'vitest';

/** `node scripts/demo.ts <args>`, stopped with Ctrl-C when the test ends, however it ends. */
export function runDemo(args: string[], env: Record<string, string> = {}) {
  const demo = startTool('demo.ts', args, { FORCE_COLOR: '0', ...env });
  onTestFinished(async () => {
    await demo.stop('SIGINT');
  });
  return demo;
}
export const clientLines = /(-> 200 served · trace [0-9a-f]{32}[^]*){3}/;
// With the start probe preloaded (START_PROBE): what the demo printed, and the processes it started.
// Its search for free ports listens and closes, and its check of a collector connects: neither starts anything.
export const printed = (output: string) => output.split('\n').filter((line) => !line.startsWith('started: ')).join('\n');
export const processesStarted = (output: string) => output.split('\n').filter((line) => /^started: (spawn|fork|exec)/.test(line));
