// Ports on this machine as the demo needs them: which are taken, a free one, and waiting for a listener.
import net from 'node:net';

/** Resolves once something listens on `port` on localhost. A TCP connect, not an HTTP request: it makes no trace. */
export async function waitUntilListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await connects(port))) {
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, 'localhost');
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.once('close', () => socket.destroy());
    socket.once('connect', () => socket.end());
  });
}

/** A port nothing listens on now, from the system. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The ports among `ports` that something listens on already. */
export async function busyPorts(ports: number[]): Promise<number[]> {
  const results = await Promise.all(
    ports.map(
      (port) =>
        new Promise<number | null>((resolve) => {
          const probe = net.createServer();
          probe.once('error', () => resolve(port));
          probe.listen(port, () => probe.close(() => resolve(null)));
        }),
    ),
  );
  return results.filter((port): port is number => port !== null);
}
