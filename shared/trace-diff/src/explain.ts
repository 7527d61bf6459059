// Why the traces of the three apps (manual, automatic, programmatic) differ: one line for each
// difference that the equivalence suite names, for `npm run compare` and the trace UI.

/** The line for a difference that is none of the known ones. */
export const UNEXPLAINED = 'Not a known difference between the three approaches: check how these apps are configured.';

const EXPLANATIONS: [RegExp, string][] = [
  [/(^|\.)resource\["service\.name"\]$/, 'Each app names its own service (OTEL_SERVICE_NAME or its default), as the three original scripts do.'],
  [/^spans\[[\d.]+\]\.scope\.(name|version)$/, "Who made the SERVER span: the manual app's own tracer, instrumentation-http in the other two."],
  [/^spans\[\d+(\.\d+)+\]$/, 'instrumentation-express adds an INTERNAL span for each Express layer that ran; the manual app makes only the SERVER span.'],
  [/^spans\[[\d.]+\]\.events$/, "Where the exception is recorded: on the SERVER span by the manual app's error middleware, on the handler's span by instrumentation-express."],
  // Attributes that describe the request, not the instrumentation.
  [/\.attributes\["(url\.full|url\.query|user_agent\.original|client\.address|network\.peer\.address|network\.protocol\.version)"\]$/,
    'Taken from the request, not from the approach: these requests were not sent alike.'],
];

/** One line saying why traces differ at `path` (a diffTraces path), or UNEXPLAINED. */
export function explainDifference(path: string): string {
  return EXPLANATIONS.find(([pattern]) => pattern.test(path))?.[1] ?? UNEXPLAINED;
}

/** Why an app has no trace of a request to `urlPath`. */
export function explainUntraced(urlPath: string): string {
  return urlPath === '/health'
    ? 'The programmatic app leaves /health untraced (ignoreIncomingRequestHook), like the original\'s excluded_urls.'
    : 'No trace of this request from this app has arrived.';
}
