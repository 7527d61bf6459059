// The SERVER span's request attributes (HTTP semantic conventions, stable), read the way
// instrumentation-http 0.300 reads them, so that the three apps report the same values: the
// equivalence suite holds them to it, behind proxies and for odd Host headers too.
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
// The RFC 7239 parser that instrumentation-http uses (quoted values, several hops).
import parseForwarded from 'forwarded-parse';
import type { IncomingMessage } from 'node:http';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
// The semantic conventions ask for these query values to be redacted; it is the list that
// instrumentation-http uses by default.
const SENSITIVE_QUERY_KEYS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];
// Like instrumentation-http, the scheme is the one this server speaks, even when a proxy in
// front says the client used https (Forwarded proto, X-Forwarded-Proto).
const SCHEME = 'http';

export function requestAttributes(req: IncomingMessage): Attributes {
  const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : '_OTHER';
  const server = serverAddress(req);
  const url = requestUrl(req);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: SCHEME,
    [ATTR_SERVER_ADDRESS]: server?.host,
    [ATTR_CLIENT_ADDRESS]: clientAddress(req),
    [ATTR_NETWORK_PEER_ADDRESS]: req.socket.remoteAddress,
    [ATTR_NETWORK_PEER_PORT]: req.socket.remotePort,
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
    [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'],
  };
  if (url) attributes[ATTR_URL_PATH] = url.pathname;
  if (url?.search) attributes[ATTR_URL_QUERY] = redactQuery(url.searchParams);
  if (server?.port !== undefined) attributes[ATTR_SERVER_PORT] = Number(server.port);
  if (method !== req.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = req.method;
  return attributes;
}

/** The request's URL against its Host; none when the Host header cannot make one. */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', `${SCHEME}://${req.headers.host || 'localhost'}`);
  } catch {
    return undefined; // a malformed Host header: no url.path or url.query, as in instrumentation-http
  }
}

/**
 * server.address and server.port as the client addressed them: the first Forwarded entry with a
 * host (its proto gives a missing port), else X-Forwarded-Host (with X-Forwarded-Proto), else Host.
 */
function serverAddress(req: IncomingMessage): { host: string; port?: string } | undefined {
  const forwarded = forwardedEntries(req).find((entry) => entry.host);
  if (forwarded) return splitHost(forwarded.host, forwarded.proto);
  const xForwardedHost = first(req.headers['x-forwarded-host']);
  if (xForwardedHost !== undefined) return splitHost(xForwardedHost, first(req.headers['x-forwarded-proto']));
  return req.headers.host ? splitHost(req.headers.host, SCHEME) : undefined;
}

/** client.address: the first Forwarded `for`, else the first X-Forwarded-For hop, else the peer. */
function clientAddress(req: IncomingMessage): string | undefined {
  const forwarded = forwardedEntries(req).find((entry) => entry.for);
  if (forwarded) return withoutPort(forwarded.for);
  const xForwardedFor = first(req.headers['x-forwarded-for']);
  if (xForwardedFor) return withoutPort(xForwardedFor.split(',')[0].trim());
  return req.socket.remoteAddress;
}

function forwardedEntries(req: IncomingMessage): Record<string, string>[] {
  try {
    return req.headers.forwarded ? parseForwarded(req.headers.forwarded) : [];
  } catch {
    return []; // a malformed Forwarded header is ignored, and X-Forwarded-* are read instead
  }
}

/**
 * `host[:port]` split on its colons, as instrumentation-http does (no URL parsing: the name keeps
 * its case); a missing port is the scheme's default, and none for an unknown scheme.
 */
function splitHost(header: string, scheme?: string): { host: string; port?: string } {
  const parts = header.split(':');
  const defaultPort = scheme === 'http' ? '80' : scheme === 'https' ? '443' : undefined;
  if (parts.length === 1) return { host: header, port: defaultPort };
  if (parts.length === 2) return { host: parts[0], port: parts[1] };
  // IPv6: [::1] or [::1]:8080.
  if (parts[0].startsWith('[')) {
    if (parts.at(-1)!.endsWith(']')) return { host: header, port: defaultPort };
    if (parts.at(-2)!.endsWith(']')) return { host: parts.slice(0, -1).join(':'), port: parts.at(-1) };
  }
  return { host: header };
}

/** An address from a proxy header without its port (and an IPv6 one without its brackets). */
function withoutPort(address: string): string {
  try {
    const { hostname } = new URL(`http://${address}`);
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  } catch {
    return address; // not an address (`unknown`, `_hidden`): kept as the proxy wrote it
  }
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function redactQuery(params: URLSearchParams): string {
  for (const key of SENSITIVE_QUERY_KEYS) {
    if (params.has(key)) params.set(key, 'REDACTED');
  }
  return params.toString();
}
