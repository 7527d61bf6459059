// First import, so that even without --require the SDK is started before the app.
// With --require (the start script) this returns the loaded module.
import { sdk } from './instrumentation.js';
import { runServer } from '@repo/server-lifecycle';
import { createApp } from './app.js';

runServer(createApp(), { defaultPort: 8081, onClose: () => sdk.shutdown() });
