// The latency run's load: requests sent on a fixed schedule, `rate` per second, whatever the app
// answers, each latency counted from the moment its request was due (so a stalled app is charged
// for every request it made wait, not only the ones in flight). autocannon's --rate paces each of
// its connections on a timer of its own, and measured here, against a server that only answers
// "ok", a p99 of ~60 ms at 455 requests/s over 50 connections: its own bursts, not the server's.
import http from 'node:http';

export interface PacedLoad {
  /** Answered with 200. */
  answered: number;
  /** Failed, timed out, or answered with another status. */
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A request that has not answered after this long counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Sends one request; calls `answered` with true once a 200 has been read whole, false if it failed (the first call counts). */
export type SendRequest = (answered: (ok: boolean) => void) => void;

/** What the load reads the time from and sends with: performance.now() and GETs of the URL, unless a test gives its own. */
export interface LoadSeams {
  now?: () => number;
  send?: SendRequest;
}

export async function pacedLoad(url: string, { rate, seconds, connections }: { rate: number; seconds: number; connections: number }, seams: LoadSeams = {}): Promise<PacedLoad> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const now = seams.now ?? (() => performance.now());
  const sendRequest = seams.send ?? httpGet(url, agent);
  const latencies: number[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (due: number) => {
    const request = new Promise<void>((resolve) => {
      let settled = false;
      sendRequest((ok) => {
        if (settled) return;
        settled = true;
        if (ok) latencies.push(now() - due);
        else failed += 1;
        resolve();
      });
    });
    inFlight.add(request);
    void request.then(() => inFlight.delete(request));
  };
  const total = Math.round(rate * seconds);
  const started = now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    // At the start and every millisecond after, the requests that have come due: the i-th (from 0)
    // is due i / rate seconds after the start.
    const sendDue = () => {
      for (const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000) + 1); sent < due; sent++) send(started + (sent * 1000) / rate);
      if (sent < total) return;
      clearInterval(tick);
      resolve();
    };
    const tick = setInterval(sendDue, 1);
    sendDue();
  });
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  // Nearest rank: the smallest latency at least q of them do not exceed.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { answered: sorted.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}

/** A GET of `url` over `agent`: answered once its 200 has been read whole; failed by another status, an error, or the timeout. */
function httpGet(url: string, agent: http.Agent): SendRequest {
  return (answered) => {
    http.get(url, { agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => answered(response.statusCode === 200));
      response.on('close', () => answered(false));
    }).on('timeout', function (this: http.ClientRequest) {
      this.destroy();
    }).on('error', () => answered(false)).on('close', () => answered(false));
  };
}
