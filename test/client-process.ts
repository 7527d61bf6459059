// `npm run client` as the tests run it: scripts/client.ts on this Node, to its end.
import { startTool } from '@repo/app-process';

/** Runs the client with `args` and the extra `env`; resolves with its exit code and all it printed. */
export async function runClient(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const client = startTool('client.ts', args, env);
  const code = await client.exited;
  return { code, output: client.output() };
}
