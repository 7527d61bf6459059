// The benchmark's variants: each app as its users start it, against the baseline of the same
// module format; and, for --breakdown, the pipeline switched on one stage at a time.
import { APP_NAMES, type AppName, type ModuleFormat } from '@repo/app-catalogue';
import type { BenchReceiver } from './bench-receiver.ts';

export interface Variant {
  name: string;
  app: AppName;
  format: ModuleFormat;
  /** The same createApp() with no OpenTelemetry loaded at all: the automatic app without its hook. */
  baseline: boolean;
  /** Variables for this variant (BENCH_STAGE is read by app-preload.cjs). */
  env(receiver: BenchReceiver): Record<string, string>;
  /** In the breakdown: the variant this one adds to, for the "µs added" column. */
  against?: string;
}

const none = () => ({});

/**
 * The baseline and each app, for each module format. With `tried` (`--try NAME=value`), each app
 * also runs with those variables, beside itself: a setting's before and after in one run.
 */
export function mainVariants(formats: ModuleFormat[], only?: AppName[], tried: [string, string][] = []): Variant[] {
  return formats.flatMap((format) => {
    const name = (what: string) => (format === 'cjs' ? what : `${what} (esm)`);
    return [
      { name: name('baseline'), app: 'automatic' as const, format, baseline: true, env: none },
      ...APP_NAMES.filter((app) => !only || only.includes(app)).flatMap((app) => [
        { name: name(app), app, format, baseline: false, env: none },
        ...(tried.length ? [{
          name: name(`${app} + ${tried.map(([key, value]) => `${key}=${value}`).join(' ')}`), app, format, baseline: false, env: () => Object.fromEntries(tried),
        }] : []),
      ]),
    ];
  });
}

export function breakdownVariants(only?: AppName[]): Variant[] {
  const stage = (BENCH_STAGE: string) => () => ({ BENCH_STAGE });
  return [
    { name: 'baseline', app: 'automatic', format: 'cjs', baseline: true, env: none },
    ...APP_NAMES.filter((app) => !only || only.includes(app)).flatMap((app): Variant[] => {
      const row = (what: string, env: Variant['env'], against: string) => ({ name: `${app}: ${what}`, app, format: 'cjs' as const, baseline: false, env, against });
      return [
        row('SDK on, sampling off', () => ({ OTEL_TRACES_SAMPLER: 'always_off' }), 'baseline'),
        row('spans recorded, not queued', stage('no-processor'), `${app}: SDK on, sampling off`),
        row('queued, exporter drops', stage('drop'), `${app}: spans recorded, not queued`),
        row('+ serialized to protobuf', stage('serialize'), `${app}: queued, exporter drops`),
        row('+ sent over gRPC (as shipped)', none, `${app}: + serialized to protobuf`),
        row('sent over http/protobuf', (receiver) => ({
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.httpPort}`,
        }), `${app}: + sent over gRPC (as shipped)`),
        ...(app === 'manual' ? [] : [row('no express instrumentation', stage('no-express'), `${app}: + sent over gRPC (as shipped)`)]),
      ];
    }),
  ];
}
