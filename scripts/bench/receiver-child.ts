// The benchmark's collector, in a process of its own so that it does not share the bench's
// event loop. `--decode-later`: answers gRPC exports at once and decodes them when asked to count.
import { startReceiver } from '@repo/otlp-receiver';

const receiver = await startReceiver({
  grpcPort: 0,
  httpPort: 0,
  decodeLater: process.argv.includes('--decode-later'),
  maxSpans: 5_000_000,
  maxBytes: Infinity,
  onReject: (message) => console.error(message),
});
process.send!({ grpcPort: receiver.grpcPort, httpPort: receiver.httpPort });
// Gone with the bench: a parent that died closes the IPC channel.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: 'count' | 'clear' | 'close') => {
  if (message === 'count') {
    const spans = receiver.spans();
    process.send!({
      spans: spans.length,
      serverSpans: spans.filter((span) => span.kind === 'SERVER').length,
      rejected: receiver.stats().rejected,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    });
  } else if (message === 'clear') {
    receiver.clear();
    process.send!({ cleared: true });
  } else {
    void receiver.close().then(() => process.exit(0));
  }
});
