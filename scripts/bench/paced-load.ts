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

export async function pacedLoad(url: string, { rate, seconds, connections }: { rate: number; seconds: number; connections: number }): Promise<PacedLoad> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (due: number) => {
    const request = new Promise<void>((resolve) => {
      // Settled once: by the end of the answer, or by whatever ends the request first.
      let settled = false;
      const settle = (latency?: number) => {
        if (settled) return;
        settled = true;
        if (latency === undefined) failed += 1;
        else latencies.push(latency);
        resolve();
      };
      http.get(url, { agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
        response.resume();
        response.on('end', () => settle(response.statusCode === 200 ? performance.now() - due : undefined));
        response.on('close', () => settle());
      }).on('timeout', function (this: http.ClientRequest) {
        this.destroy();
      }).on('error', () => settle()).on('close', () => settle());
    });
    inFlight.add(request);
    void request.then(() => inFlight.delete(request));
  };
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    // Every millisecond, the requests that have come due since the last tick.
    const tick = setInterval(() => {
      const now = performance.now();
      for (const due = Math.min(total, Math.floor(((now - started) / 1000) * rate)); sent < due; sent++) send(started + (sent * 1000) / rate);
      if (sent === total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  // Nearest rank: the smallest latency at least q of them do not exceed.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { answered: sorted.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}
