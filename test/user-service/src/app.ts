// A user's service, the fixture of test/user-service.test.ts: a bookshop with a route for each
// routing feature of Express's guide and API (those whose syntax differs between the majors in
// major-routes.ts, Express 5's; express4/major-routes.ts has Express 4's). No OpenTelemetry here:
// the suite adds each approach as the README says.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Readable } from 'node:stream';
import { logger } from './logger.js';
import { addMajorRoutes } from './major-routes.js';
import { ordersRouter, postsRouter, shopsRouter } from './routers.js';

const BOOKS = new Map([['1', 'Dune'], ['2', 'Emma']]);
// A message that is no literal (from a table, a translation): pino's types then let any arguments
// through, and pino leaves out those its format has no place for.
const GREETING: string = 'hello %s';

export function createApp(): express.Express {
  const app = express();

  app.get('/', (_req, res) => {
    res.send('bookshop');
  });
  // Any method, PURGE too.
  app.all('/ping', (req, res) => {
    res.send(`pong ${req.method}`);
  });
  // One path, a handler per method; the POST parses its own body (100 bytes at most).
  app.route('/cart')
    .get((_req, res) => {
      res.json([]);
    })
    .post(express.json({ limit: '100b' }), (req, res) => {
      res.status(201).json(req.body);
    })
    .delete((_req, res) => {
      res.sendStatus(204);
    });

  app.use('/admin', requireToken);
  app.get('/admin/stats', (_req, res) => {
    res.json({ books: BOOKS.size });
  });
  app.use('/static', express.static('public'));

  // An unknown book is answered 404 before its route's handler runs.
  app.param('bookId', (_req, res, next, bookId) => {
    if (BOOKS.has(String(bookId))) next();
    else res.status(404).send('no such book');
  });
  app.get('/books/:bookId', (req, res) => {
    res.send(BOOKS.get(req.params.bookId));
  });
  app.get('/authors/:authorId/books/:bookId', (req, res) => {
    res.json(req.params);
  });
  // Optional segments, a wildcard, an async handler that fails: each in this major's syntax.
  addMajorRoutes(app);
  app.get(/^\/isbn\/(\d{13})$/, (req, res) => {
    res.send(req.params[0]);
  });
  app.get(['/about', '/about-us'], (_req, res) => {
    res.send('about');
  });
  // Passes /shelves/new on, to the route after it.
  app.get('/shelves/:shelf', (req, res, next) => {
    if (req.params.shelf === 'new') return next();
    res.send(`shelf ${req.params.shelf}`);
  });
  app.get('/shelves/new', (_req, res) => {
    res.send('new arrivals');
  });
  app.get('/catalogue', (_req, res) => {
    res.redirect(301, '/books/1');
  });
  app.get('/export', (_req, res) => {
    res.type('text/csv');
    Readable.from([...BOOKS].map(([id, title]) => `${id},${title}\n`)).pipe(res);
  });
  app.get('/greeting', (req, res) => {
    const requestLogger = logger.child({ reqId: req.get('x-request-id') });
    requestLogger.info({ book: '1' }, 'greeting served');
    logger.info({ visitor: 'guest' }, GREETING, 'world', 'extra');
    res.send('hello');
  });

  app.get('/boom', () => {
    throw new Error('the shelf collapsed');
  });
  app.use('/maintenance', (_req, _res, next) => {
    next(new Error('closed for maintenance'));
  });

  app.use('/orders', ordersRouter());
  app.use('/users/:userId/posts', postsRouter());
  app.use('/shops/:shopId', shopsRouter());

  app.use(notFound);
  app.use(handleError);
  return app;
}

const requireToken: RequestHandler = (req, res, next) => {
  if (req.get('authorization') === 'Bearer letmein') next();
  else res.status(401).send('unauthorized');
};

const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not found' });
};

// body-parser's errors carry their status: 400 for a malformed body, 413 for one too large.
const handleError: ErrorRequestHandler = (error: { status?: unknown }, req, res, _next) => {
  const status = typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
  if (status >= 500) logger.error({ err: error }, `${req.method} ${req.path} failed`);
  else logger.warn({ err: error }, `${req.method} ${req.path} refused`);
  res.status(status).json({ error: status >= 500 ? 'internal error' : 'bad request' });
};
