// The facts about the three apps and the tools' ports, read by the demo, the client, the compare
// script, the benchmark, the trace UI and the tests. The apps do not read it: each states its own
// defaults, so that it reads alone, and test/catalogue.test.ts holds them to this file.

export const APP_NAMES = ['manual', 'automatic', 'programmatic'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** Each app's src/ is built twice: CommonJS (dist/cjs) and ES modules (dist/esm). */
export const MODULE_FORMATS = ['cjs', 'esm'] as const;
export type ModuleFormat = (typeof MODULE_FORMATS)[number];

export interface AppEntry {
  name: AppName;
  /** Its folder, from the repository root: the npm workspace. */
  directory: string;
  /** What it reports when OTEL_SERVICE_NAME is unset: the Python original's names. */
  serviceName: string;
  /** Where it listens when PORT is unset. */
  defaultPort: number;
}

export const APPS: Record<AppName, AppEntry> = {
  manual: { name: 'manual', directory: 'apps/manual', serviceName: 'manual-instrument-service', defaultPort: 8081 },
  automatic: { name: 'automatic', directory: 'apps/automatic', serviceName: 'auto-instrument-service', defaultPort: 8082 },
  programmatic: { name: 'programmatic', directory: 'apps/programmatic', serviceName: 'programmatic-instrument-service', defaultPort: 8083 },
};

/**
 * How an app is started: as its users do (`start`), the automatic app with no OpenTelemetry at
 * all (`untraced`, the benchmark's baseline), or its ES module build without the loader hook
 * (`without-loader-hook`, a negative control).
 */
export type StartVariant = 'start' | 'untraced' | 'without-loader-hook';

/**
 * The Express majors each app runs on: 5, its own dependency, and 4, from apps/express4, where
 * the build copies each app's CommonJS build (`npm run start:express4`).
 */
export const EXPRESS_MAJORS = [5, 4] as const;
export type ExpressMajor = (typeof EXPRESS_MAJORS)[number];

/** The package script that starts an app's build of `format`, as its package.json names it. */
export function startScript(format: ModuleFormat, variant: StartVariant = 'start', express: ExpressMajor = 5): string {
  if (express === 4) {
    if (format !== 'cjs' || variant === 'without-loader-hook') throw new Error(`Express 4 runs the CommonJS build, not ${format} ${variant}`);
    return variant === 'untraced' ? 'start:untraced:express4' : 'start:express4';
  }
  if (variant === 'without-loader-hook') return 'start:esm:without-loader-hook';
  const base = variant === 'untraced' ? 'start:untraced' : 'start';
  return format === 'esm' ? `${base}:esm` : base;
}

/** Where the receiver and its UI listen unless told otherwise: OTLP's ports, and Jaeger's UI port. */
export const TOOL_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, traceUi: 16686 } as const;

