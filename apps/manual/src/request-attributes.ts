// The SERVER span's request attributes as the HTTP semantic conventions (stable) define them: the
// part of the manual approach to copy into a service. Behind a proxy, the client and the server
// are the ones the proxy names (Forwarded, else X-Forwarded-*), not the socket's ends.
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_METHOD_ORIGINAL, ATTR_NETWORK_PEER_ADDRESS, ATTR_NETWORK_PEER_PORT, ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_PATH, ATTR_URL_QUERY, ATTR_URL_SCHEME, ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
// An RFC 7239 parser: quoted values, several hops (a CommonJS module: the default import needs
// esModuleInterop, which `tsc --init` and module nodenext set).
import parseForwarded from 'forwarded-parse';
import type { IncomingMessage } from 'node:http';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
// Query values the conventions ask to redact; the list instrumentation-http uses by default.
const SENSITIVE_QUERY_KEYS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

export function requestAttributes(req: IncomingMessage): Attributes {
  const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : '_OTHER';
  const scheme = clientScheme(req);
  const server = serverAddress(req, scheme);
  const target = requestTarget(req);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: scheme,
    [ATTR_CLIENT_ADDRESS]: clientAddress(req),
    [ATTR_NETWORK_PEER_ADDRESS]: req.socket.remoteAddress,
    [ATTR_NETWORK_PEER_PORT]: req.socket.remotePort,
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
    [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'],
  };
  if (method !== req.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = req.method;
  if (server) attributes[ATTR_SERVER_ADDRESS] = server.host;
  if (server?.port !== undefined) attributes[ATTR_SERVER_PORT] = Number(server.port);
  if (target) attributes[ATTR_URL_PATH] = target.pathname;
  if (target?.search) attributes[ATTR_URL_QUERY] = redactQuery(target.searchParams);
  return attributes;
}

/** url.scheme: the client's, as a proxy reports it (Forwarded proto, X-Forwarded-Proto), else this server's. */
function clientScheme(req: IncomingMessage): string {
  return forwardedEntries(req).find((entry) => entry.proto)?.proto ?? first(req.headers['x-forwarded-proto']) ?? 'http';
}

/** server.address and server.port as the client addressed them: Forwarded host, X-Forwarded-Host, Host. */
function serverAddress(req: IncomingMessage, scheme: string): HostAndPort | undefined {
  const forwarded = forwardedEntries(req).find((entry) => entry.host);
  if (forwarded?.host) return splitHost(forwarded.host, forwarded.proto ?? scheme);
  const xForwardedHost = first(req.headers['x-forwarded-host']);
  // The first hop is the host the client asked for.
  if (xForwardedHost) return splitHost(firstHop(xForwardedHost), scheme);
  return req.headers.host ? splitHost(req.headers.host, scheme) : undefined;
}

/** client.address: the first Forwarded `for`, else the first X-Forwarded-For hop, else the peer. */
function clientAddress(req: IncomingMessage): string | undefined {
  const forwarded = forwardedEntries(req).find((entry) => entry.for);
  if (forwarded?.for) return withoutPort(forwarded.for);
  const xForwardedFor = first(req.headers['x-forwarded-for']);
  if (xForwardedFor) return withoutPort(firstHop(xForwardedFor));
  return req.socket.remoteAddress;
}

/** url.path and url.query come from the request target, whatever the Host header says. */
function requestTarget(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return undefined; // not a path (`//`): no url.path or url.query
  }
}

/** The Forwarded header's entries, one per proxy; a malformed header counts as none. */
function forwardedEntries(req: IncomingMessage): Partial<Record<string, string>>[] {
  try {
    return req.headers.forwarded ? parseForwarded(req.headers.forwarded) : [];
  } catch {
    return [];
  }
}

type HostAndPort = { host: string; port?: string | undefined };

/** `host[:port]` split on its colons (the name keeps its case); a missing port is the scheme's default. */
function splitHost(header: string, scheme?: string): HostAndPort {
  const parts = header.split(':');
  const defaultPort = scheme === 'http' ? '80' : scheme === 'https' ? '443' : undefined;
  if (parts.length === 1) return { host: header, port: defaultPort };
  if (parts.length === 2) return { host: parts[0]!, port: parts[1] };
  // IPv6: [::1] or [::1]:8080.
  if (header.startsWith('[')) {
    if (header.endsWith(']')) return { host: header, port: defaultPort };
    if (parts[parts.length - 2]?.endsWith(']')) return { host: parts.slice(0, -1).join(':'), port: parts[parts.length - 1] };
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
/** The first of a proxy header's comma-separated hops: the client's end. */
const firstHop = (list: string) => list.split(',', 1)[0]!.trim();

function redactQuery(params: URLSearchParams): string {
  for (const key of SENSITIVE_QUERY_KEYS) {
    if (params.has(key)) params.set(key, 'REDACTED');
  }
  return params.toString();
}
