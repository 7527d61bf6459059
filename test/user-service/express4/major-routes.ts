// The routes whose syntax is Express 4's own (src/major-routes.ts has Express 5's): copied over it
// for the service on Express 4.
import type express from 'express';

export function addMajorRoutes(app: express.Express): void {
  app.get('/archive/:year?/:month?', (req, res) => {
    res.json(req.params);
  });
  app.get('/files/*', (req, res) => {
    res.send(req.path);
  });
  // Express 4 does not catch a rejected promise: the handler hands its error to next().
  app.get('/boom-async', (_req, _res, next) => {
    Promise.reject(new Error('the stockroom flooded')).catch(next);
  });
}
