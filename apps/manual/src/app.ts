import express, { type ErrorRequestHandler } from 'express';
import { recordError, traceRequests } from './server-span.js';

// The routes of the Python original (server_*.py), plus /health and /error for the tests.
// Each app carries its own copy; test/routes.test.ts keeps the copies identical.
export function createApp(): express.Express {
  const app = express();
  app.use(traceRequests);

  app.get('/server_request', (req, res) => {
    console.log(`server_request param=${String(req.query.param)}`);
    res.send('served');
  });

  app.get('/health', (_req, res) => {
    res.send('ok');
  });

  app.get('/error', () => {
    throw new Error('a handler failed');
  });

  app.use((_req, res) => {
    res.status(404).send('not found');
  });

  const handleError: ErrorRequestHandler = (error: Error, req, res, _next) => {
    console.error(`${req.method} ${req.path} failed: ${error.message}`);
    res.status(500).send('internal error');
  };
  app.use(recordError);
  app.use(handleError);

  return app;
}
