import pino from 'pino';

// The app's logger: a JSON line per record on stdout.
export const logger = pino();
