// Optional, preloaded after instrumentation.js by the manual app's start scripts (`--require
// ./dist/cjs/instrumentation-http-compat.js`): where instrumentation-http 0.300 reports a request
// otherwise than the semantic conventions ask, the manual app follows it, so that the equivalence
// suite can hold the three apps' SERVER spans equal. Not part of the approach: a service of your
// own leaves this file out, and then differs from instrumentation-http in these ways only
// (docs/findings.md).
import type { Attributes } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_PATH, ATTR_URL_QUERY, ATTR_URL_SCHEME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';
import { first, forwardedEntries, splitHost } from './request-attributes.js';
import { startSpanHooks } from './server-span.js';

startSpanHooks.push(likeInstrumentationHttp);

function likeInstrumentationHttp(attributes: Attributes, req: IncomingMessage): void {
  // 1. url.scheme is the one this server speaks, even when a proxy says the client used https.
  attributes[ATTR_URL_SCHEME] = 'http';

  // 2. X-Forwarded-Host is taken whole, every hop of it ("a.example.com, b.example.com").
  // 3. A proxy's host without a port gets a default port only from a proto in the same header
  //    (its Forwarded entry, or X-Forwarded-Proto), not from another entry's; and a Host header
  //    without a port gets this server's (80), even when a proxy says the client used https.
  const forwarded = forwardedEntries(req).find((entry) => entry.host);
  const xForwardedHost = first(req.headers['x-forwarded-host']);
  const server = forwarded ? splitHost(forwarded.host, forwarded.proto)
    : xForwardedHost ? splitHost(xForwardedHost, first(req.headers['x-forwarded-proto']))
    : req.headers.host ? splitHost(req.headers.host, 'http') : undefined;
  if (server) {
    attributes[ATTR_SERVER_ADDRESS] = server.host;
    if (server.port === undefined) delete attributes[ATTR_SERVER_PORT];
    else attributes[ATTR_SERVER_PORT] = Number(server.port);
  }

  // 4. A Host header that is no valid authority ("[::1") leaves out url.path and url.query: the
  //    library builds the whole URL from it, and that fails.
  if (req.headers.host && !URL.canParse(`http://${req.headers.host}`)) {
    delete attributes[ATTR_URL_PATH];
    delete attributes[ATTR_URL_QUERY];
  }
}
