import express, { type ErrorRequestHandler } from 'express';
import { logger } from './logger.js';

// The Python original's route (/server_request), plus /health, /error and a router mounted on /api for the tests.
// Each app carries its own copy; test/routes.test.ts keeps the copies identical.
export function createApp(): express.Express {
  const app = express();

  app.get('/server_request', (req, res) => {
    logger.info({ param: String(req.query.param) }, 'server_request');
    res.send('served');
  });

  app.get('/health', (_req, res) => {
    res.send('ok');
  });

  app.get('/error', () => {
    throw new Error('a handler failed');
  });

  // A router mounted on a prefix: its route is /api/items/:id. A handler may also pass a request
  // on (next) or fail, and the route it reports must stay right in both cases.
  const api = express.Router();
  api.get('/items/:id', (req, res, next) => {
    if (req.params.id === 'broken') throw new Error('an item failed');
    if (!/^\d+$/.test(req.params.id)) return next(); // not an item id: the 404 below answers
    res.send(`item ${req.params.id}`);
  });
  app.use('/api', api);

  app.use((_req, res) => {
    res.status(404).send('not found');
  });

  const handleError: ErrorRequestHandler = (error: Error, req, res, _next) => {
    logger.error({ err: error }, `${req.method} ${req.path} failed`);
    res.status(500).send('internal error');
  };
  app.use(handleError);

  return app;
}
