// What the benchmark asks of an app through app-preload.cjs, which it preloads into every variant:
// each ask (SIGUSR2) answers with the event loop's utilisation and the GC pauses since the last
// one, then flushes the spans still queued; the 5th and 6th asks start and stop a CPU profile.
// Each wait fails as the variant's failure, in one message, never as a stack trace.
import type { AppProcess } from '@repo/app-process';
import type { BenchReceiver } from './bench-receiver.ts';
import { pacedLoad } from './paced-load.ts';

/** A variant that could not be measured as it should: bench.ts says why and stops. */
export class VariantFailed extends Error {
  override name = 'VariantFailed';
}

// What a failure shows of an app's output: its end, where the reason is; all of it (a line per
// request, a line per dropped batch) would bury it.
const LAST_LINES = 20;

/** The last lines of what an app printed, headed by how many they are of how many. */
export function lastLines(output: string): string {
  const lines = output.trimEnd().split('\n');
  if (!output.trim()) return 'it printed nothing';
  return lines.length <= LAST_LINES ? `all it printed:\n${lines.join('\n')}` : `its last ${LAST_LINES} of ${lines.length} lines:\n${lines.slice(-LAST_LINES).join('\n')}`;
}

/** The n-th ask: event loop utilisation and the main thread's GC pauses since the one before. */
export async function askProbe(app: AppProcess, n: number) {
  process.kill(app.pid, 'SIGUSR2');
  const [, elu, gcPauses, gcMs, gcMaxMs] = await expectOutput(app,
    new RegExp(`^bench-probe ${n} elu=([\\d.]+) gc=(\\d+) gc_ms=([\\d.]+) gc_max_ms=([\\d.]+)$`, 'm'), 5000, `its probe's answer ${n}`);
  return { elu: Number(elu), gcPauses: Number(gcPauses), gcMs: Number(gcMs), gcMaxMs: Number(gcMaxMs) };
}

/** The SERVER spans the receiver has had so far, once the app has flushed its queue after the n-th ask. */
export async function spansArrived(app: AppProcess, n: number, receiver: BenchReceiver): Promise<number> {
  const [, failure] = await expectOutput(app, new RegExp(`^bench-flushed ${n}(?: failed: (.*))?$`, 'm'), 30_000, `its flush ${n}`);
  if (failure) throw new VariantFailed(`its spans could not be flushed: ${failure}`);
  return (await receiver.ask<{ serverSpans: number }>('count')).serverSpans;
}

/** The paced load between the 5th and 6th asks, profiled; the profile's file. */
export async function profiledLoad(app: AppProcess, url: string, load: Parameters<typeof pacedLoad>[1]) {
  await askProbe(app, 5);
  await expectOutput(app, /^bench-profiling$/m, 30_000, 'its profiler');
  const { answered } = await pacedLoad(url, load);
  await askProbe(app, 6);
  const [, profile, failure] = await expectOutput(app, /^bench-profile (?:(\/.+)|failed: (.+))$/m, 10_000, 'its profile');
  if (failure) throw new VariantFailed(`its CPU profile failed: ${failure}`);
  return { answered, profile };
}

/**
 * How often the app, now exited, called the patch of each stage of BENCH_STAGE=`stage` (one, or
 * several comma-separated), as app-preload.cjs printed it at exit; `calls` is the fewest. Throws
 * if a stage's never was: the row would measure the pipeline it claims to switch off.
 */
export async function stageInEffect(app: AppProcess, stage: string, answered: number): Promise<{ name: string; calls: number }> {
  let fewest = Infinity;
  for (const name of stage.split(',')) {
    const [, calls] = await expectOutput(app, new RegExp(`^bench-stage pid=${app.pid} ${name} calls=(\\d+)$`, 'm'), 5000, `its stage count of ${name}`);
    if (Number(calls) === 0) {
      throw new VariantFailed(`BENCH_STAGE=${name} did not take effect: the app never called its patch (scripts/bench/bench-stages.cjs) in ${answered} requests answered`);
    }
    fewest = Math.min(fewest, Number(calls));
  }
  return { name: stage, calls: fewest };
}

async function expectOutput(app: AppProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
  return app.waitForOutput(pattern, timeoutMs).catch(() => Promise.reject(new VariantFailed(`no sign of ${what} within ${timeoutMs / 1000} s; ${lastLines(app.output())}`)));
}
