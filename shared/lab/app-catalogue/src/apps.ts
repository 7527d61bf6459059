// The facts about the three apps and the tools' ports, read by the demo, the client, the compare
// script, the benchmark, the trace UI and the tests. The apps do not read it: each states its own
// defaults, so that it reads alone, and test/catalogue.test.ts holds them to this file.

export const APP_NAMES = ['manual', 'automatic', 'programmatic'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** Each app's src/ is built twice: CommonJS (dist/cjs) and ES modules (dist/esm). */
export const MODULE_FORMATS = ['cjs', 'esm'] as const;
export type ModuleFormat = (typeof MODULE_FORMATS)[number];

/**
 * How an app is started: as its users do (`start`), the automatic app with no OpenTelemetry at
 * all (`untraced`, the benchmark's baseline), or its ES module build without the loader hook
 * (`without-loader-hook`, a negative control).
 */
export type StartVariant = 'start' | 'untraced' | 'without-loader-hook';

export type Approach = 'by hand' | 'instrumentations in code' | 'configuration only';

/** Who names a request's route: Express itself (req.route), or instrumentation-express from the layers it saw. */
export type RouteSource = 'express' | 'instrumentation-express';

export interface AppEntry {
  name: AppName;
  /** Its folder, from the repository root: the npm workspace. */
  directory: string;
  /** What its otel.env names it (OTEL_SERVICE_NAME): the Python original's names. */
  serviceName: string;
  /** Where it listens when PORT is unset. */
  defaultPort: number;
  /** Its start scripts besides `start`, each for both module formats (its package.json's scripts). */
  startVariants: StartVariant[];
  /**
   * How its telemetry is written: the SERVER span by hand with the API, instrumentation libraries
   * registered in code, or configuration only (start scripts and otel.env, no OpenTelemetry code in src/).
   */
  approach: Approach;
  /** The module of its build whose exports createApp() uses as telemetry middlewares (the approach, not the routes). */
  telemetryMiddlewares?: string;
  /** What it makes besides the SERVER span, the same for every request. */
  spans: {
    /** The instrumentation scope of the SERVER span. */
    serverScope: string;
    /** Every instrumentation scope in its traces. */
    scopes: string[];
    /** Whether instrumentation-express adds its INTERNAL spans under the SERVER span. */
    expressSpans: boolean;
    /** The span active in the route handlers, which gets a handler's exception event and its log records. */
    handlerSpan: 'SERVER' | 'INTERNAL';
    /** Where the SERVER span's http.route comes from: the route Express matched, or instrumentation-express's reckoning of it. */
    routeFrom: RouteSource;
  };
  /** The routes it leaves untraced (and unmeasured), each with why: every URL Express routes there. */
  untracedRoutes: Record<string, string>;
  /** On SIGTERM, the spans of requests still in flight: exported, or lost (a register hook that shuts the SDK down on the signal). */
  inFlightAtSigterm: 'exported' | 'lost';
}

const INSTRUMENTED: AppEntry['spans'] = {
  serverScope: '@opentelemetry/instrumentation-http',
  scopes: ['@opentelemetry/instrumentation-express', '@opentelemetry/instrumentation-http'],
  expressSpans: true,
  handlerSpan: 'INTERNAL',
  routeFrom: 'instrumentation-express',
};

export const APPS: Record<AppName, AppEntry> = {
  manual: {
    name: 'manual', directory: 'apps/manual', serviceName: 'manual-instrument-service', defaultPort: 8081,
    startVariants: [], approach: 'by hand', telemetryMiddlewares: 'server-span.js',
    spans: { serverScope: 'express-server-span', scopes: ['express-server-span'], expressSpans: false, handlerSpan: 'SERVER', routeFrom: 'express' },
    untracedRoutes: {}, inFlightAtSigterm: 'exported',
  },
  automatic: {
    name: 'automatic', directory: 'apps/automatic', serviceName: 'auto-instrument-service', defaultPort: 8082,
    startVariants: ['untraced', 'without-loader-hook'], approach: 'configuration only',
    spans: INSTRUMENTED, untracedRoutes: {}, inFlightAtSigterm: 'lost',
  },
  programmatic: {
    name: 'programmatic', directory: 'apps/programmatic', serviceName: 'programmatic-instrument-service', defaultPort: 8083,
    startVariants: [], approach: 'instrumentations in code', spans: INSTRUMENTED,
    untracedRoutes: { '/health': 'The programmatic app leaves /health untraced (ignoreIncomingRequestHook), as health checks often are.' },
    inFlightAtSigterm: 'exported',
  },
};

/** The app written by hand with the API, and those whose SERVER span comes from instrumentation-http. */
export const BY_HAND: AppName[] = APP_NAMES.filter((app) => APPS[app].approach === 'by hand');
export const WITH_INSTRUMENTATION_HTTP: AppName[] = APP_NAMES.filter((app) => APPS[app].approach !== 'by hand');

/** The app whose `untraced` start is the benchmark's baseline: the same createApp() with no OpenTelemetry loaded. */
export const BASELINE_APP: AppName = APP_NAMES.find((name) => APPS[name].startVariants.includes('untraced'))!;

/** The apps that trace a request to `urlPath`: Express routes ignore case and a trailing slash, and so does an untraced route. */
export const appsTracing = (urlPath: string): AppName[] =>
  APP_NAMES.filter((app) => untracedRouteOf(app, urlPath) === undefined);

/** The untraced route of `app` that Express would route `urlPath` to, if any. */
export function untracedRouteOf(app: AppName, urlPath: string): string | undefined {
  const routed = urlPath.toLowerCase().replace(/(.)\/$/, '$1');
  return Object.keys(APPS[app].untracedRoutes).find((route) => route.toLowerCase() === routed);
}


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

