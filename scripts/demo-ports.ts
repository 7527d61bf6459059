// The demo's ports: its receiver's (unless it exports to --collector) and its apps', the usual
// ones or free ones (--free-ports; a TRACE_UI_PORT given still holds). Before anything starts, a
// port that is taken is named: as a running demo's, with where that one is, or as unknown.
import { APP_NAMES, type AppName, APPS, TOOL_PORTS } from '@repo/app-catalogue';
import { withSharedEnv } from '@repo/telemetry/settings';
import { busyPorts, freePorts } from './local-ports.ts';
import { demoHolding, registerDemo } from './running-demos.ts';

export interface DemoPorts {
  receiver?: { grpc: number; http: number; ui: number };
  apps: { name: AppName; port: number }[];
}

/** The ports to use; `uiPort`: TRACE_UI_PORT's, if set. */
export async function choosePorts(options: { collector: boolean; free: boolean; uiPort?: number }): Promise<DemoPorts> {
  const free = options.free ? await freePorts(APP_NAMES.length + 3) : undefined;
  return {
    receiver: options.collector ? undefined : {
      grpc: free?.[0] ?? TOOL_PORTS.otlpGrpc,
      http: free?.[1] ?? TOOL_PORTS.otlpHttp,
      ui: options.uiPort ?? free?.[2] ?? TOOL_PORTS.traceUi,
    },
    apps: APP_NAMES.map((name, i) => ({ name, port: free?.[3 + i] ?? APPS[name].defaultPort })),
  };
}

/** Exits 1 with a line naming what holds them if one of the ports is taken; else records this demo as running on them. */
export async function claimPorts({ receiver, apps }: DemoPorts): Promise<void> {
  const receiverPorts = receiver ? Object.values(receiver) : [];
  const ports = [...receiverPorts, ...apps.map((app) => app.port)];
  const busy = await busyPorts(ports);
  const ui = receiver && `http://localhost:${receiver.ui}`;
  if (busy.length === 0) return registerDemo({ ports, ui });

  const demo = demoHolding(busy);
  if (demo) {
    console.error(`demo: a demo is already running here (pid ${demo.pid}, in ${demo.folder}) on ports ${demo.ports.join(', ')}: ` +
      `${demo.ui ? `its trace UI is ${demo.ui}` : 'it exports to a collector of yours'}; use it, or stop it (Ctrl-C) first`);
    process.exit(1);
  }
  // A collector of the user's on the receiver's ports can take the demo's telemetry, if the apps' ports are free.
  const collectorHint = busy.every((port) => receiverPorts.includes(port))
    ? `; if it is a collector or Jaeger of yours, send the demo there instead: npm run demo -- --collector http://localhost:${TOOL_PORTS.otlpGrpc}`
    : '';
  console.error(`demo: port ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} already in use (find it with: ss -ltnp '( ${busy.map((port) => `sport = :${port}`).join(' or ')} )')${collectorHint}`);
  process.exit(1);
}

/**
 * Where the apps and the client export to the demo's receiver: its gRPC or its OTLP/HTTP port, by
 * the protocol they will speak (otel.env's grpc, or the user's OTEL_EXPORTER_OTLP_PROTOCOL), and a
 * signal whose own protocol differs an endpoint of its own. OTEL_EXPORTER_OTLP_ENDPOINT set by the
 * user is kept, as before, unless the ports are free ones, which no endpoint of theirs can name.
 */
export function receiverEndpoints(receiver: { grpc: number; http: number }, env: NodeJS.ProcessEnv, freePorts: boolean): Record<string, string> {
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() && !freePorts) return {};
  const settings = withSharedEnv(env);
  const general = settings.OTEL_EXPORTER_OTLP_PROTOCOL!.trim();
  const url = (protocol: string) => `http://localhost:${protocol === 'grpc' ? receiver.grpc : receiver.http}`;
  const own = ['traces', 'metrics', 'logs'].flatMap((signal) => {
    const protocol = settings[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`]?.trim() || general;
    // A signal's own endpoint is used as it is: over OTLP/HTTP it names the signal's path.
    return protocol === general ? [] : [[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`, protocol === 'grpc' ? url(protocol) : `${url(protocol)}/v1/${signal}`]];
  });
  return { OTEL_EXPORTER_OTLP_ENDPOINT: url(general), ...Object.fromEntries(own) };
}
