import { createApp } from './app.js';

const server = createApp().listen(Number(process.env.PORT ?? 3000), () => {
  const address = server.address();
  console.log(`listening on ${typeof address === 'object' && address ? address.port : address}`);
});

// A database pool's idle timer, as a service with a pool has: it keeps the event loop alive after
// the server has closed. Only when HOLD_EVENT_LOOP=1 asks for it (a test of the SIGTERM flush).
if (process.env.HOLD_EVENT_LOOP === '1') setInterval(() => {}, 60_000);

process.once('SIGTERM', () => server.close());
