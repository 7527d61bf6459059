// The latency run's load: requests sent on a fixed schedule, `rate` per second, whatever the app
// answers, each latency counted from the moment its request was due (so a stalled app is charged
// for every request it made wait, not only the ones in flight). autocannon's --rate paces each of
// its connections on a timer of its own, and measured here, against a server that only answers
// "ok", a p99 of ~60 ms at 455 requests/s over 50 connections: its own bursts, not the server's.
import http from 'node:http';

export interface PacedLoad {
  /** Answered with 200. */
  answered: number;
  /** Failed, or answered with another status. */
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function pacedLoad(url: string, { rate, seconds, connections }: { rate: number; seconds: number; connections: number }): Promise<PacedLoad> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (due: number) => {
    const request = new Promise<void>((resolve) => {
      http.get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode === 200) latencies.push(performance.now() - due);
          else failed += 1;
          resolve();
        });
      }).on('error', () => {
        failed += 1;
        resolve();
      });
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
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { answered: sorted.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}
