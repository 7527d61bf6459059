import { startApp } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { placeSpans } from '@repo/trace-model';
const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
const paths: [string, string][] = [['GET','/server_request?param=plain'],['GET','/error'],['GET','/no/such/path'],['GET','/health'],['GET','/api/items/7'],['GET','/api/items/broken'],['GET','/api/items/x'],['GET','/?param=root'],['GET','/'],['GET','/SERVER_REQUEST'],['GET','/server_request/'],['GET','/favicon.ico'],['HEAD','/server_request'],['POST','/server_request'],['OPTIONS','/server_request']];
for (const express of [4, 5] as const) {
  const app = await startApp('automatic', { express, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } });
  console.log('express', app.expressVersion);
  for (const [method, p] of paths) await fetch(app.url + p, { method, headers: { 'user-agent': `${express} ${method} ${p}` } });
  await app.stop();
  for (const [method, p] of paths) {
    const server = receiver.spans().find((s) => s.kind === 'SERVER' && s.attributes['user_agent.original'] === `${express} ${method} ${p}`)!;
    const spans = receiver.spans().filter((s) => s.traceId === server.traceId);
    console.log(express, method, p, '|', server.name, server.attributes['http.route'], server.status.code, '|', placeSpans(spans).slice(1).map(({ span }) => `${span.name}${span.parentSpanId === server.spanId ? '' : ' (nested)'}${span.events.length ? ' !' + span.events[0].name : ''}`).join(', '));
  }
}
await receiver.close();
