// The five commands' command lines, read by one parser (scripts/command-line.ts): each has --help;
// an unknown option is one line that lists the options; an argument a command cannot use is
// refused, not dropped; and a flag that npm took for itself (`npm run compare --esm`, without
// `--`, reaches the script only as npm_config_esm) is refused with the way to pass it.
import { APP_NAMES, APPS } from '@repo/app-catalogue';
import { repoRoot, startTool } from '@repo/app-process';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { START_PROBE } from './start-probe-env.ts';

const COMMANDS = {
  demo: { file: 'demo.ts', options: ['--esm', '--express', '--collector', '--protocol', '--free-ports'] },
  client: { file: 'client.ts', options: ['--app', '--port'] },
  receiver: { file: 'receiver.ts', options: ['--grpc-port', '--http-port', '--ui-port', '--host', '--trace-idle-ms', '--ignore-sigint'] },
  compare: { file: 'compare.ts', options: ['--esm', '--express'] },
  bench: { file: 'bench/bench.ts', options: ['--rate', '--duration', '--only', '--env', '--try', '--instructions', '--breakdown', '--json'] },
} as const;
type Command = keyof typeof COMMANDS;

/** `node scripts/<command>` to its end, killed with its group if the test ends first. */
async function run(command: Command, args: string[], env: Record<string, string> = {}) {
  const tool = startTool(COMMANDS[command].file, args, { FORCE_COLOR: '0', ...env });
  onTestFinished(async () => {
    await tool.stop('SIGKILL');
  });
  const code = await tool.exited;
  return { code, output: tool.output() };
}

/** `npm <args>` from the repository root, as a user types it: its exit code, stdout and stderr. */
function npm(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  onTestFinished(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  let [stdout, stderr] = ['', ''];
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
const npmRun = (script: string, args: string[]) => npm(['run', script, ...args]);

describe.each(Object.keys(COMMANDS) as Command[])('npm run %s', (command) => {
  it('--help: how to call it and every option with what it does, exit 0, nothing started', async () => {
    // Preloaded, the probe says on stderr what the command starts: "nothing started" is seen.
    const { code, output } = await run(command, ['--help'], START_PROBE);
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`^npm run ${command} -- `));
    for (const option of [...COMMANDS[command].options, '--help']) expect(output).toMatch(new RegExp(`^ +(-h, )?${option}\\b.* {2,}\\S`, 'm'));
    expect(output.split('\n').filter((line) => line.startsWith('started: '))).toEqual([]);
  });

  it('an unknown option: one line naming it and listing the options, exit 2', async () => {
    const { code, output } = await run(command, ['--verbose']);
    expect(code).toBe(2);
    expect(output).toMatch(new RegExp(`^${command}: unknown option --verbose; the options are [^\\n]*${COMMANDS[command].options.at(-1)}[^\\n]*--help\\n$`));
  });
});

it('a negative control: the probe that sees nothing started by --help sees the receiver listen, and the client connect', async () => {
  const receiver = startTool(COMMANDS.receiver.file, ['--grpc-port', '0', '--http-port', '0', '--ui-port', '0'], START_PROBE);
  onTestFinished(async () => {
    await receiver.stop('SIGKILL');
  });
  await receiver.waitForOutput(/^started: a listener$/m);
  // The client sends its request to the receiver's trace UI, and its spans to the receiver.
  const [, grpcPort] = await receiver.waitForOutput(/gRPC on localhost:(\d+)/);
  const [, uiPort] = await receiver.waitForOutput(/Trace UI: http:\/\/localhost:(\d+)/);
  const client = await run('client', ['--app', APP_NAMES[0], '--port', uiPort, 'probe'], { ...START_PROBE, OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${grpcPort}` });
  expect(client.output).toMatch(/^started: a connection$/m);
});

describe('--help is answered before any build: npm passes it to build-quietly.sh, which runs the command without building', () => {
  it.each(['demo', 'client', 'receiver', 'compare', 'bench', 'bench:receiver', 'collector'])('npm run %s -- --help: its usage, exit 0, no build', async (script) => {
    const { code, stdout, stderr } = await npmRun(script, ['--', '--help']);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).not.toContain('building the workspace');
    expect(stdout).toMatch(new RegExp(`^npm run ${script} -- `, 'm'));
  });
});

describe.each(APP_NAMES)('npm start --silent --workspace apps/%s', (app) => {
  const start = (args: string[]) => npm(['start', '--silent', '--workspace', APPS[app].directory, '--', ...args]);
  const settings = `PORT (default ${APPS[app].defaultPort}; 0 takes a free port) and the OTEL_* variables`;

  it('-- --help: what configures the app, exit 0, without starting it', async () => {
    expect(await start(['--help'])).toEqual({ code: 0, stdout: `Listens on PORT until SIGTERM or Ctrl-C, and takes no arguments: ${settings} configure it.\n`, stderr: '' });
  });

  it('-- an argument: refused in one line, exit 2, rather than dropped', async () => {
    expect(await start(['8090'])).toEqual({ code: 2, stdout: '', stderr: `cannot start: unexpected argument "8090": the app takes none; ${settings} configure it\n` });
  });
});

describe('arguments a command cannot use are refused, not dropped', () => {
  it.each([
    ['compare', ['/error', '/health'], 'compare: one target at a time, not 2 ("/error", "/health"): run it once for each'],
    ['demo', ['--esm', 'extra'], 'demo: unexpected argument "extra": it takes options only (--help lists them)'],
    ['receiver', ['4317'], 'receiver: unexpected argument "4317": it takes options only (--help lists them)'],
    ['bench', [APP_NAMES[0]], `bench: unexpected argument "${APP_NAMES[0]}": it takes options only (--help lists them)`],
    ['client', ['one', 'two'], 'client: one param at a time, not 2 ("one", "two"): run it once for each'],
  ] satisfies [Command, string[], string][])('%s %j: one line, exit 2', async (command, args, line) => {
    const { code, output } = await run(command, args);
    expect(code).toBe(2);
    expect(output).toBe(`${line}\n`);
  });
});

describe('a flag npm took for itself, without -- before it', () => {
  it.each([
    ['compare', ['--esm'], 'compare: npm took --esm for itself: put -- before the flags (npm run compare -- --esm)'],
    ['demo', ['--collector', 'http://localhost:4317'], 'demo: npm took --collector for itself: put -- before the flags (npm run demo -- --collector …)'],
  ])('npm run %s %j: refused in one line with the way to pass it, exit 2', async (script, args, line) => {
    const { code, stderr } = await npmRun(script, args);
    expect(code).toBe(2);
    expect(stderr).toBe(`${line}\n`);
  });
});
