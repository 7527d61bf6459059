import { TOOL_PORTS } from '@repo/app-catalogue';
import type { Receiver } from '@repo/otlp-receiver';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { compareRequest } from './compare-view';
import { groupTraces, listTraces, traceDetail } from './views';

export interface TraceUiOptions {
  /** Whose spans to show. */
  receiver: Receiver;
  /** Default 16686 (TOOL_PORTS.traceUi, Jaeger's, the one users know); 0 takes a free one. */
  port?: number;
  /** Default `localhost`: the UI shows whatever the apps put in their spans. */
  host?: string;
}

export interface TraceUi {
  readonly port: number;
  /** `http://<host>:<port>`, an IPv6 host in brackets. */
  readonly url: string;
  close(): Promise<void>;
}

// Live pages at once; each holds an open response. Past it, new ones are turned away.
const MAX_LIVE_PAGES = 64;
// Coalesces exports that arrive together into one update of the pages.
const UPDATE_EVERY_MS = 250;
const TRACE_ID = /^[0-9a-f]{32}$/;

/** A host as a URL or `host:port` writes it: an IPv6 address in brackets. */
export const hostInUrl = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

// The page is built only with DOM text, never markup from data; this policy is the second
// line: no inline script or handler runs even if some did slip through.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const packageRoot = path.resolve(__dirname, '..');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8' };

/** The page's files by URL path, read once: public/, and the script's modules as tsc built them. */
function readAssets(): Map<string, { body: Buffer; type: string }> {
  const files = [
    ...['index.html', 'style.css'].map((name) => path.join(packageRoot, 'public', name)),
    ...readdirSync(path.join(packageRoot, 'dist/browser')).filter((name) => name.endsWith('.mjs')).map((name) => path.join(packageRoot, 'dist/browser', name)),
  ];
  return new Map(files.map((file) => [`/${path.basename(file)}`, { body: readFileSync(file), type: TYPES[path.extname(file)] }]));
}

class BadRequest extends Error {}

/** Serves the web UI over the receiver's spans: recent traces, one trace, and the compare page. */
export async function startTraceUi(options: TraceUiOptions): Promise<TraceUi> {
  const { receiver, port: wantedPort = TOOL_PORTS.traceUi, host = 'localhost' } = options;
  const assets = readAssets();
  const livePages = new Set<http.ServerResponse>();

  let pending: NodeJS.Timeout | undefined;
  const unsubscribe = receiver.subscribe(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      for (const page of livePages) page.write(`data: ${receiver.stats().spans}\n\n`);
    }, UPDATE_EVERY_MS);
  });

  const server = http.createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      const status = error instanceof BadRequest ? 400 : 500;
      if (status === 500) console.error(`trace UI: ${request.url}: ${(error as Error).stack}`);
      sendJson(response, status, { error: (error as Error).message });
    }
  });

  function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendJson(response, 405, { error: `${request.method} is not allowed; the UI only reads` });
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = url.pathname;
    // The pages are one document; its script draws the view that the path names.
    const asset = assets.get(route === '/' || route === '/compare' || route.startsWith('/trace/') ? '/index.html' : route);
    if (asset) {
      response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
      return void response.end(request.method === 'HEAD' ? undefined : asset.body);
    }
    if (route === '/api/events') return openLivePage(response);
    if (route === '/favicon.ico') return void response.writeHead(204).end();
    if (!route.startsWith('/api/')) return sendJson(response, 404, { error: `no page at ${route}` });

    const traces = groupTraces(receiver.spans());
    if (route === '/api/traces') {
      const service = url.searchParams.get('service') || undefined;
      return sendJson(response, 200, listTraces(traces, { service, limit: readLimit(url.searchParams.get('limit')) }));
    }
    if (route.startsWith('/api/traces/')) {
      const id = route.slice('/api/traces/'.length);
      if (!TRACE_ID.test(id)) throw new BadRequest(`"${id}" is not a trace id (32 lowercase hex digits)`);
      const spans = traces.get(id);
      return spans ? sendJson(response, 200, traceDetail(spans, receiver.logs().filter((record) => record.traceId === id))) : sendJson(response, 404, { error: `no trace ${id} (not received, or dropped as the oldest)` });
    }
    if (route === '/api/compare') return sendJson(response, 200, compareRequest(traces, url.searchParams.get('request') || undefined, receiver.metrics()));
    sendJson(response, 404, { error: `no API at ${route}` });
  }

  // Server-sent events: a line each time an export arrived (spans, metrics or logs); the page then fetches what it shows.
  function openLivePage(response: http.ServerResponse): void {
    if (livePages.size >= MAX_LIVE_PAGES) return sendJson(response, 503, { error: `${MAX_LIVE_PAGES} live pages are open already` });
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    response.write(`retry: 2000\ndata: ${receiver.stats().spans}\n\n`);
    livePages.add(response);
    response.on('close', () => livePages.delete(response));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE'
        ? `trace UI port ${wantedPort} is already in use (a Jaeger or another receiver?); choose another with --ui-port or TRACE_UI_PORT`
        : `trace UI cannot listen on port ${wantedPort}: ${error.message}`)),
    );
    server.listen(wantedPort, host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://${hostInUrl(host)}:${port}`,
    async close() {
      unsubscribe();
      clearTimeout(pending);
      for (const page of livePages) page.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function readLimit(value: string | null): number {
  if (value === null) return 100;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadRequest(`limit=${value} is not a number from 1 to 1000`);
  return limit;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}
