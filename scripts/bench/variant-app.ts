// A variant's app for one measurement: started as its users start it, with the benchmark's
// preload, its first 200 awaited (start-up), and gone afterwards, whatever happened.
import { AppStartError, startApp, type AppProcess } from '@repo/app-process';
import path from 'node:path';
import { lastLines, VariantFailed } from './app-probe.ts';
import type { BenchOptions } from './bench-options.ts';
import type { BenchReceiver } from './bench-receiver.ts';
import type { Variant } from './variants.ts';

/** What every measurement of one benchmark run shares. */
export interface RunContext {
  options: BenchOptions;
  /** The collector every traced app exports to. */
  receiver: BenchReceiver;
  /** The CPU each app is pinned to; undefined when not pinned. */
  appCpu: string | undefined;
  /** Requests/s of the latency run; none in the breakdown. */
  latencyRate?: number;
}

let profiles = 0;

/** Starts the variant as its users start it, waits for its first 200, runs `measure`, and makes sure the app is gone after. */
export async function withApp<T>(variant: Variant, { options, receiver, appCpu }: RunContext, measure: (app: AppProcess & { env: Record<string, string> }, url: string, startupMs: number) => Promise<T>): Promise<T> {
  const env: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.grpcPort}`,
    ...(variant.baseline ? {} : Object.fromEntries(options.env)),
    ...variant.env(receiver),
    ...(variant.stage ? { BENCH_STAGE: variant.stage } : {}),
    ...(options.cpuProf ? { BENCH_CPU_PROFILE: path.resolve(options.cpuProf, `${variant.name.replace(/[^\w]+/g, '-')}-${++profiles}.cpuprofile`) } : {}),
  };
  // Node options of --env or --try (`--try NODE_OPTIONS=--max-semi-space-size=32`) come first.
  env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${path.join(import.meta.dirname, 'app-preload.cjs')}`].filter(Boolean).join(' ');
  const started = performance.now();
  const app = await startApp(variant.app, { format: variant.format, express: variant.express, variant: variant.baseline ? 'untraced' : 'start', env, cpuList: appCpu })
    .catch((error: Error) => Promise.reject(new VariantFailed(`${variant.name} did not start: ${error instanceof AppStartError
      ? `it exited (${error.exit}) before listening; ${lastLines(error.output)}`
      : error.message}`)));
  try {
    const url = `${app.url}/server_request?param=bench`;
    // Start-up: from spawn to the first 200, npm included.
    for (let tries = 0; (await fetch(url).then((r) => r.status, () => 0)) !== 200; tries++) {
      if (tries === 100) throw new VariantFailed(`it listens but does not answer 200; ${lastLines(app.output())}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return await measure(Object.assign(app, { env }), url, performance.now() - started);
  } catch (error) {
    // Named after the variant, whatever failed.
    throw new VariantFailed(`${variant.name}${error instanceof VariantFailed ? '' : ' could not be measured'}: ${(error as Error).message}`);
  } finally {
    await app.stop('SIGKILL');
  }
}

