// First import, so that even without --require the instrumentations are registered before
// ./app loads express. With --require (the start script) this returns the loaded module.
import { sdk } from './instrumentation.js';
import { runServer } from '@repo/server-lifecycle';
import { createApp } from './app.js';

runServer(createApp(), { defaultPort: 8083, onClose: () => sdk.shutdown() });
