// `npm run bench:receiver` in a short run: that it runs and counts, never what its figures are.
import { startTool } from '@repo/app-process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LOAD_TARGETS, LOADS, TRANSPORTS } from '../../scripts/bench/otlp-load.ts';

describe('npm run bench:receiver', () => {
  it('measures npm run receiver and the nop collector over each transport under telemetrygen and under its exports sent again, and prints a row for each, every span accepted', async () => {
    const bench = startTool('bench/receiver-load.ts', ['--duration', '1', '--batch-size', '100', '--workers', '1']);
    onTestFinished(async () => {
      await bench.stop('SIGKILL');
    });
    expect(await bench.exited, bench.output()).toBe(0);
    const rows = bench.output().split('\n').filter((line) => /^\| (telemetrygen|replayed) /.test(line)).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows.map(([load, target, transport]) => [load, target, transport])).toEqual(LOADS.flatMap((load) => LOAD_TARGETS.flatMap((target) => TRANSPORTS.map((transport) => [load, target, transport]))));
    for (const [, , , spansPerSecond, , , , accepted, rejected] of rows) {
      expect(Number(spansPerSecond)).toBeGreaterThan(0);
      expect(Number(accepted)).toBeGreaterThan(0);
      expect(rejected).toBe('0');
    }
  });

  it('refuses a --duration that is not a whole number of seconds, in one line, exit 2', async () => {
    const bench = startTool('bench/receiver-load.ts', ['--duration', 'ten']);
    onTestFinished(async () => {
      await bench.stop('SIGKILL');
    });
    expect(await bench.exited).toBe(2);
    expect(bench.output()).toBe('bench:receiver: --duration "ten" is not a whole number above 0\n');
  });
});
