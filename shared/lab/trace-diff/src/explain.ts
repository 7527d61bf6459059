// Why the traces of the three apps (manual, automatic, programmatic) differ: one line for each
// difference that the equivalence suite names, for `npm run compare` and the trace UI.
import type { DifferenceLocation } from './normalize';

/** The line for a difference that is none of the known ones. */
export const UNEXPLAINED = 'Not a known difference between the three approaches: check how these apps are configured.';

// Attributes that describe the request, not the instrumentation.
const FROM_THE_REQUEST = new Set(['url.full', 'url.query', 'user_agent.original', 'client.address', 'network.peer.address', 'network.protocol.version']);

const EXPLANATIONS: [(location: DifferenceLocation) => boolean, string][] = [
  [({ field, keys }) => field === 'resource' && keys[0] === 'service.name',
    'Each app names its own service (OTEL_SERVICE_NAME or its default), as the three original scripts do.'],
  [({ position, field, keys }) => position !== undefined && field === 'scope' && (keys[0] === 'name' || keys[0] === 'version'),
    "Who made the SERVER span: the manual app's own tracer, instrumentation-http in the other two."],
  [({ position, field }) => position?.includes('.') === true && field === undefined,
    'instrumentation-express adds an INTERNAL span for each Express layer that ran; the manual app makes only the SERVER span.'],
  [({ position, field, keys }) => position !== undefined && field === 'events' && keys.length === 0,
    "Where the exception is recorded: on the SERVER span by the manual app's error middleware, on the handler's span by instrumentation-express."],
  [({ field, keys }) => field === 'attributes' && FROM_THE_REQUEST.has(String(keys[0])),
    'Taken from the request, not from the approach: these requests were not sent alike.'],
];

/** One line saying why traces differ at `location` (from diffTraces), or UNEXPLAINED. */
export function explainDifference(location: DifferenceLocation): string {
  return EXPLANATIONS.find(([matches]) => matches(location))?.[1] ?? UNEXPLAINED;
}

/** Why an app has no trace of a request to `urlPath`. */
export function explainUntraced(urlPath: string): string {
  return urlPath === '/health'
    ? 'The programmatic app leaves /health untraced (ignoreIncomingRequestHook), like the original\'s excluded_urls.'
    : 'No trace of this request from this app has arrived.';
}
