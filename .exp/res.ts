import { APP_NAMES } from '@repo/app-catalogue';
import { startApp } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
for (const express of [5, 4] as const) for (const name of APP_NAMES) {
  const app = await startApp(name, { express, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test' } });
  await fetch(app.url + '/server_request?param=' + express);
  await app.stop();
}
for (const s of receiver.spans().filter((s) => s.kind === 'SERVER')) console.log(s.resource['service.name'], s.resource['webengine.name'], s.resource['webengine.version'], s.resource['deployment.environment.name']);
await receiver.close();
