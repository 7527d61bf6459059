// The routes whose syntax is Express 5's own (express4/major-routes.ts has Express 4's).
import type express from 'express';

export function addMajorRoutes(app: express.Express): void {
  app.get('/archive{/:year}{/:month}', (req, res) => {
    res.json(req.params);
  });
  app.get('/files/*path', (req, res) => {
    res.json(req.params.path);
  });
  // Express 5 hands a rejected promise to the error handlers.
  app.get('/boom-async', async () => {
    await Promise.resolve();
    throw new Error('the stockroom flooded');
  });
}
