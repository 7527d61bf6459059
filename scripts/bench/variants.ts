// The benchmark's variants: each app as its users start it, against the baseline of the same
// module format; and, for --breakdown, the pipeline switched on one stage at a time.
import { APP_NAMES, APPS, type AppName, BASELINE_APP, type ExpressMajor, type ModuleFormat } from '@repo/app-catalogue';
import { formatPairs, type Build } from './bench-options.ts';
import type { BenchReceiver } from './bench-receiver.ts';

/** The stages app-preload.cjs can switch off (BENCH_STAGE), each by patching one SDK method. */
export type BenchStage = 'no-processor' | 'drop' | 'serialize' | 'no-express';

export interface Variant {
  name: string;
  app: AppName;
  format: ModuleFormat;
  /** The Express it runs on. */
  express: ExpressMajor;
  /** The same createApp() with no OpenTelemetry loaded at all: the catalogue's BASELINE_APP started untraced. */
  baseline: boolean;
  /** The baseline its "x base" ratios are to; none for a baseline itself. */
  base?: Variant;
  /** The stage app-preload.cjs switches off in this variant (BENCH_STAGE). */
  stage?: BenchStage;
  /** Variables for this variant. */
  env(receiver: BenchReceiver): Record<string, string>;
  /** In the breakdown: the variant this one adds to, for the "µs added" column. */
  against?: Variant;
}

const none = () => ({});


// Spans alone, as before the apps exported metrics and logs: what those two signals cost.
const TRACES_ONLY = { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

/**
 * The baseline and each app, for each build, each against the baseline of its own build: as
 * shipped (spans, metrics and logs), and with `tracesOnly` with spans alone too. With `tried` (`--try NAME=value`), each
 * app also runs with each set of those variables, beside itself: a setting's before and after in one run
 * (but for a patch of instrumentation-express in an app without it).
 */
export function mainVariants(builds: Build[], { only, tried = [], tracesOnly = false }: { only?: AppName[]; tried?: [string, string][][]; tracesOnly?: boolean } = {}): Variant[] {
  return builds.flatMap(({ format, express }) => {
    const suffix = [format === 'esm' ? 'esm' : '', express === 4 ? 'express 4' : ''].filter(Boolean).join(', ');
    const name = (what: string) => (suffix ? `${what} (${suffix})` : what);
    const base: Variant = { name: name('baseline'), app: BASELINE_APP, format, express, baseline: true, env: none };
    return [
      base,
      ...selectedApps(only).flatMap((app): Variant[] => [
        { name: name(app), app, format, express, baseline: false, base, env: none },
        ...(tracesOnly ? [{ name: name(`${app}, traces only`), app, format, express, baseline: false, base, env: () => TRACES_ONLY }] : []),
        ...tried.filter((pairs) => appliesTo(app, pairs)).map((pairs): Variant => ({
          name: name(`${app} + ${formatPairs(pairs)}`), app, format, express, baseline: false, base, env: () => Object.fromEntries(pairs),
        })),
      ]),
    ];
  });
}

// The stages of bench-stages.cjs that patch instrumentation-express.
const EXPRESS_STAGES = ['no-express', 'express-skip-unrecorded'];

/**
 * Whether a --try or --variant applies to the app: a patch of instrumentation-express has
 * nothing to patch in an app that does not load it (the manual one), so that app's row is left
 * out rather than refused. (Through --env, every app gets it, and such a row is refused.)
 */
function appliesTo(app: AppName, pairs: [string, string][]): boolean {
  const stages = pairs.find(([key]) => key === 'BENCH_STAGE')?.[1].split(',') ?? [];
  return Boolean(APPS[app].spans.expressSpans) || !stages.some((stage) => EXPRESS_STAGES.includes(stage));
}

/** For each app, one row per stage, each holding the row it adds to. */
export function breakdownVariants(only?: AppName[]): Variant[] {
  const base: Variant = { name: 'baseline', app: BASELINE_APP, format: 'cjs', express: 5, baseline: true, env: none };
  return [
    base,
    ...selectedApps(only).flatMap((app): Variant[] => {
      const row = (what: string, against: Variant, settings: { stage?: BenchStage; env?: Variant['env'] }): Variant =>
        ({ name: `${app}: ${what}`, app, format: 'cjs', express: 5, baseline: false, base, against, stage: settings.stage, env: settings.env ?? none });
      const samplingOff = row('SDK on, sampling off', base, { env: () => ({ OTEL_TRACES_SAMPLER: 'always_off' }) });
      const recorded = row('spans recorded, not queued', samplingOff, { stage: 'no-processor' });
      const dropped = row('queued, exporter drops', recorded, { stage: 'drop' });
      const serialized = row('+ serialized to protobuf', dropped, { stage: 'serialize' });
      const shipped = row('+ sent over gRPC (as shipped)', serialized, {});
      const overHttp = row('sent over http/protobuf', shipped, {
        env: (receiver) => ({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.httpPort}` }),
      });
      // Only an app with instrumentation-express has it to leave out.
      const withoutExpress = APPS[app].spans.expressSpans ? [row('no express instrumentation', shipped, { stage: 'no-express' })] : [];
      return [samplingOff, recorded, dropped, serialized, shipped, overHttp, ...withoutExpress];
    }),
  ];
}

function selectedApps(only?: AppName[]): AppName[] {
  return APP_NAMES.filter((app) => !only || only.includes(app));
}
