import { runServer } from '@repo/server-lifecycle';
import { createApp } from './app.js';

// No OpenTelemetry here: the start script preloads instrumentation.ts, which also flushes the
// telemetry when the process ends.
runServer(createApp(), { defaultPort: 8081 });
