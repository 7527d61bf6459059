// Starts the benchmark's collector (receiver-child.ts) and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface BenchReceiver {
  child: ChildProcess;
  grpcPort: number;
  httpPort: number;
  ask<T = unknown>(message: 'count' | 'clear'): Promise<T>;
  close(): void;
}

export async function startBenchReceiver(flags: string[] = []): Promise<BenchReceiver> {
  const child = fork(path.join(import.meta.dirname, 'receiver-child.ts'), flags, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { grpcPort, httpPort } = await new Promise<{ grpcPort: number; httpPort: number }>((resolve) => child.once('message', resolve as never));
  return {
    child,
    grpcPort,
    httpPort,
    ask: (message) => new Promise((resolve) => {
      child.once('message', resolve as never);
      child.send(message);
    }),
    close: () => void child.send('close'),
  };
}
