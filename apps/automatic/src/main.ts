import { runServer } from '@repo/server-lifecycle';
import { createApp } from './app.js';

// No OpenTelemetry here: the start script preloads the register hook, which also flushes
// the spans when the process ends.
runServer(createApp(), { defaultPort: 8082 });
