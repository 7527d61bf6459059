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

/** `count` different ports nothing listens on now, from the system. */
export async function freePorts(count: number): Promise<number[]> {
  // All held at once, then all released: the system cannot give the same port twice.
  const probes = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
    const probe = net.createServer().listen(0, () => resolve(probe));
  })));
  const ports = probes.map((probe) => (probe.address() as net.AddressInfo).port);
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
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
