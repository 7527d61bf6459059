// The environment that preloads test/start-probe.ts into a command: it then says on stderr, in a
// `started: …` line, each listener, connection and process it starts.
import path from 'node:path';

export const START_PROBE = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${path.join(import.meta.dirname, 'start-probe.ts')}`.trim() };
