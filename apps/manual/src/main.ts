import { runServer } from '@repo/server-lifecycle';
import { createApp } from './app';
import { sdk } from './telemetry';

runServer(createApp(), { defaultPort: 8081, onClose: () => sdk.shutdown() });
