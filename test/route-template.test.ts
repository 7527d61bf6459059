// The manual approach's http.route (apps/manual/src/route-template.ts) in real Express 5 and 4
// apps, in process: every request's route is a template, never a value from the URL, and no route
// where no route's handlers answered. The routes are each major's own syntax.
import { repoRoot } from '@repo/app-process';
import type { Express, Request, RequestHandler, Router } from 'express';
import express5 from 'express';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchRoutes } from '../apps/manual/src/route-template.ts';

type ExpressModule = typeof express5;
const requireFrom = (folder: string) => createRequire(path.join(repoRoot, folder, 'package.json'));
const express4 = requireFrom('apps/express4')('express') as ExpressModule;
/** The major of the Express a folder resolves. */
const majorIn = (folder: string) => Number((requireFrom(folder)('express/package.json') as { version: string }).version.split('.')[0]);

/** The route each answered request reported, by its URL; `forget` after the routes as the README says. */
function service(express: ExpressModule, major: 4 | 5): { app: Express; routes: Map<string, string | undefined> } {
  const app = express();
  const routes = new Map<string, string | undefined>();
  const watches = new WeakMap<Request, ReturnType<typeof watchRoutes>>();
  app.use((req, res, next) => {
    const watch = watchRoutes(req);
    watches.set(req, watch);
    res.once('finish', () => routes.set(`${req.method} ${req.originalUrl}`, watch.answered()));
    next();
  });
  const ok: RequestHandler = (_req, res) => void res.send('ok');
  const wildcard = major === 5 ? '/files/*path' : '/files/*';

  app.get('/plain', ok);
  app.get(['/one', '/two'], ok);
  app.use('/admin', (_req, res) => void res.sendStatus(401));
  const posts: Router = express.Router({ mergeParams: true });
  posts.get('/:postId', ok);
  app.use('/users/:userId/posts', posts);
  const orders = express.Router();
  orders.get('/', ok);
  orders.get('/:orderId', (req, res, next) => (req.params.orderId === 'later' ? next() : res.send('ok')));
  app.use('/orders', orders);
  const reviews = express.Router({ mergeParams: true });
  reviews.get('/:reviewId', ok);
  const books = express.Router({ mergeParams: true });
  books.use('/books/:bookId/reviews', reviews);
  const shops = express.Router({ mergeParams: true });
  shops.use('/', books);
  app.use('/shops/:shopId', shops);
  app.param('itemId', (_req, res, next, id) => (id === 'unknown' ? void res.sendStatus(404) : next()));
  app.get('/items/:itemId', ok);
  const files = express.Router();
  files.get('/list', ok);
  app.use(wildcard, files);
  const versioned = express.Router();
  versioned.get('/status', ok);
  app.use(/^\/v\d+/, versioned);
  app.get('/orders/:anything', ok); // answers what /orders/:orderId passed on
  app.use((req, _res, next) => (watches.get(req)!.forget(), next()));
  app.use((_req, res) => void res.sendStatus(404));
  return { app, routes };
}

const EXPECTED: [string, string | undefined][] = [
  ['GET /plain', '/plain'],
  ['GET /two', '/one,/two'],
  ['GET /admin/users', undefined], // a middleware answered
  ['GET /users/42/posts/7', '/users/:userId/posts/:postId'],
  ['GET /users/43/posts/8', '/users/:userId/posts/:postId'],
  ['GET /Users/44/POSTS/9', '/users/:userId/posts/:postId'], // Express matches a mount path in any letter case
  ['GET /users/users/posts/7', undefined], // a value that could be the literal: which, cannot be told
  ['GET /users/posts/posts/posts', undefined],
  ['GET /orders', '/orders'],
  ['GET /orders/', '/orders'],
  ['GET /orders/5', '/orders/:orderId'],
  ['GET /ORDERS/6', '/orders/:orderId'],
  ['GET /orders/later', '/orders/:anything'], // passed on with next(), answered by a later route
  ['GET /shops/s1/books/b2/reviews/r3', '/shops/:shopId/books/:bookId/reviews/:reviewId'],
  ['GET /items/3', '/items/:itemId'],
  ['GET /items/unknown', undefined], // app.param answered 404 before the route's handlers
  ['GET /files/a/b/list', undefined], // a wildcard mount: no template to put back
  ['GET /v2/status', '/v2/status'], // a regular expression without groups: taken as the URL has it (said in the file and the README)
  ['GET /nothing-here', undefined],
  ['HEAD /plain', '/plain'],
];

async function routesOf(express: ExpressModule, major: 4 | 5): Promise<Map<string, string | undefined>> {
  const { app, routes } = service(express, major);
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    for (const [request] of EXPECTED) {
      const [method, url] = request.split(' ');
      await fetch(`http://127.0.0.1:${port}${url}`, { method }).then((response) => response.arrayBuffer());
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return routes;
}

describe.each([[5, express5, 'apps/manual'], [4, express4, 'apps/express4']] as const)('Express %i: the manual approach\'s http.route', (major, express, folder) => {
  it('is the template of the route whose handlers answered, whatever the values in the URL; none where no route answered', async () => {
    expect(majorIn(folder), 'the Express under test').toBe(major);
    const routes = await routesOf(express, major);
    expect(EXPECTED.map(([request]) => [request, routes.get(request)])).toEqual(EXPECTED);
  });
});
