// http.route: the template of the route that answered (/users/:userId/posts/:postId), never a
// value from the URL, which would make a span name and a metric series of every user id.
//
// Express keeps no mount path that a middleware could read (Express 4 keeps a regular expression,
// Express 5's router publishes only the innermost layer's), so this watches two assignments
// Express 4 and 5 make on the request as they route it (held by this project's tests on both):
// - req.baseUrl, set to the URL's prefix as the request enters a router mounted on a path, right
//   after req.params became that mount's parameters: their values are put back as `:name`;
// - req.route, set when a route matches, and again when its handlers run (after any app.param
//   callback has passed the request on).
// Where a mount path cannot be put back (a `*` wildcard, a parameter that is part of a segment,
// `/file-:id`, a regular expression with groups) the route is unknown: the span is named after the
// method alone. A regular expression without groups cannot be told from a path: the URL's prefix
// is taken as written (mount on a path with a named parameter instead).
import type { Request } from 'express';

/** The route's path as Express keeps it: a string, a regular expression, or a list of them. */
type RoutePath = string | RegExp | (string | RegExp)[];
/** A router the request is in: the URL's prefix (req.baseUrl) there, its template (undefined where unknown), its parameters. */
type Mount = { base: string; template: string | undefined; params: Record<string, unknown> };
export type RouteWatch = ReturnType<typeof watchRoutes>;

export function watchRoutes(req: Request) {
  const mounts: Mount[] = [{ base: req.baseUrl, template: '', params: {} }];
  let answered: string | undefined;

  watch(req, 'baseUrl', req.baseUrl, (base, previous) => {
    if (base.length > previous.length && base.startsWith(previous)) {
      const parent = mounts[mounts.length - 1]!;
      mounts.push({ base, params: req.params, template: mountTemplate(parent, base.slice(previous.length), req.params) });
    } else {
      // Leaving a router: back to the mount that has this prefix.
      while (mounts.length > 1 && mounts[mounts.length - 1]!.base !== base) mounts.pop();
    }
  });
  watch(req, 'route', undefined as { path: RoutePath } | undefined, (value, previous) => {
    // Assigned again, the same route: its handlers run now. A new one has only matched so far.
    if (value !== previous || !value) return void (answered = undefined);
    const mount = [...mounts].reverse().find((m) => m.base === req.baseUrl);
    answered = mount?.template === undefined ? undefined : join(mount.template, value.path);
  });

  return {
    /** The template of the route whose handlers ran last, if any and if known. */
    answered: () => answered,
    /** No route answered after all (the request went on to a later middleware). */
    forget: () => void (answered = undefined),
  };
}

/**
 * The parent's template and this mount's prefix: its own parameters' values put back as `:name`,
 * left to right, the rest in lower case (Express matches a mount path in any case). Unknown where a
 * value is no whole segment, or could be more than one (`/users/users/posts` under `/users/:userId/posts`).
 */
function mountTemplate(parent: Mount, prefix: string, params: Record<string, unknown>): string | undefined {
  if (parent.template === undefined) return undefined;
  const segments = prefix.split('/');
  const named = new Set<number>();
  // Only this mount's own parameters: a router with mergeParams also has its parent's.
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || parent.params[name] === value) continue;
    // A numbered parameter comes from a regular expression or a wildcard: no name to put back.
    if (typeof value !== 'string' || /^\d+$/.test(name)) return undefined;
    const after = Math.max(0, ...named) + 1;
    const at = segments.flatMap((s, i) => (i >= after && (s === value || s === encodeURIComponent(value)) ? [i] : []));
    if (at.length !== 1) return undefined;
    segments[at[0]!] = `:${name}`;
    named.add(at[0]!);
  }
  return parent.template + segments.map((s, i) => (named.has(i) ? s : s.toLowerCase())).join('/');
}

/** A route's path under its mount's template; a router's root (`/`) is the mount path itself. */
function join(base: string, path: RoutePath): string {
  const own = Array.isArray(path) ? path.map(String).join(',') : String(path);
  return base && own === '/' ? base : base + own;
}

/** Replaces req[key] by an accessor that calls `onSet` with each value Express assigns and the one before. */
function watch<T>(req: Request, key: 'baseUrl' | 'route', initial: T, onSet: (value: T, previous: T) => void): void {
  let current = initial;
  Object.defineProperty(req, key, {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(value: T) {
      const previous = current;
      current = value;
      onSet(value, previous);
    },
  });
}
