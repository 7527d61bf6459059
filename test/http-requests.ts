// HTTP requests as the tests send them: written byte for byte on a socket (no client library to add
// or tidy up headers, so a test can send what a proxy, an old client or a hostile one sends), or
// many at once in batches.
import net from 'node:net';

/** `METHOD target HTTP/version`, then each header line, then the blank line. */
export function rawRequest(line: string, headers: string[]): string {
  return [line, ...headers, '', ''].join('\r\n');
}

/**
 * Writes `text` (one request, or several pipelined on one connection) and returns the status of
 * the last response; 0 if none came. With `abort`, the socket is closed right after writing. With
 * `untilClosed`, the client does not end its side after writing but waits for the server to close
 * (the request's `Connection: close`): Node's server drops an answer not yet written when the
 * client's end arrives first, as it does for a handler that answers after a file read.
 */
export function sendRaw(port: number, text: string, options: { abort?: boolean; untilClosed?: boolean } = {}): Promise<number> {
  return new Promise((resolve) => {
    let response = '';
    const socket = net.connect(port, 'localhost', () => {
      if (options.abort) socket.end(text, () => socket.destroy());
      else if (options.untilClosed) socket.write(text);
      else socket.end(text);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => (response += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Number([...response.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].at(-1)?.[1] ?? 0)));
  });
}

/** Runs `count` requests, `concurrency` at a time; resolves with their results in order. */
export async function inBatches<T>(count: number, concurrency: number, request: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let sent = 0; sent < count; sent += concurrency) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, count - sent) }, (_, i) => request(sent + i)))));
  }
  return results;
}
