// The bookshop's routers, the same on Express 4 and 5: mounted on a prefix, on paths with
// parameters (mergeParams), and nested two and three deep.
import express, { type Request } from 'express';

const ORDERS = new Set(['7', '8']);

/** On /orders: its own body parser before its routes, a param callback, and a root route. */
export function ordersRouter(): express.Router {
  const orders = express.Router();
  orders.use(express.json({ limit: '100b' }));
  orders.param('orderId', (_req, res, next, orderId) => {
    if (ORDERS.has(String(orderId))) next();
    else res.status(404).json({ error: 'no such order' });
  });
  orders.get('/', (_req, res) => {
    res.json([...ORDERS]);
  });
  orders.post('/', (req, res) => {
    res.status(201).json(req.body);
  });
  orders.route('/:orderId')
    .get((req, res) => {
      res.json({ order: req.params.orderId });
    })
    .delete((_req, res) => {
      res.sendStatus(204);
    });
  return orders;
}

type PostParams = { userId: string; postId: string };

/** On /users/:userId/posts: the user's id from the mount path, and the post's comments a router deeper. */
export function postsRouter(): express.Router {
  const posts = express.Router({ mergeParams: true });
  posts.get('/', (req: Request<{ userId: string }>, res) => {
    res.json({ user: req.params.userId, posts: [] });
  });
  posts.get('/:postId', (req: Request<PostParams>, res) => {
    if (req.params.postId === 'broken') throw new Error('a post failed to load');
    res.json({ user: req.params.userId, post: req.params.postId });
  });
  const comments = express.Router({ mergeParams: true });
  comments.get('/', (req: Request<PostParams>, res) => {
    res.json({ post: req.params.postId, comments: [] });
  });
  comments.get('/:commentId', (req: Request<PostParams & { commentId: string }>, res) => {
    res.json(req.params);
  });
  posts.use('/:postId/comments', comments);
  return posts;
}

type ShelfParams = { shopId: string; departmentId: string; shelfId: string };

/** On /shops/:shopId: departments, and their shelves, three routers deep. */
export function shopsRouter(): express.Router {
  const shelves = express.Router({ mergeParams: true });
  shelves.get('/items/:itemId', (req: Request<ShelfParams & { itemId: string }>, res) => {
    res.json(req.params);
  });
  const departments = express.Router({ mergeParams: true });
  departments.get('/', (req: Request<Omit<ShelfParams, 'shelfId'>>, res) => {
    res.json(req.params);
  });
  departments.use('/shelves/:shelfId', shelves);
  const shops = express.Router({ mergeParams: true });
  shops.use('/departments/:departmentId', departments);
  return shops;
}
