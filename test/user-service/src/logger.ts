import pino from 'pino';

// The service's logger: a JSON line per record on stdout.
export const logger = pino();
