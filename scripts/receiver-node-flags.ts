// The receiver's Node.js flags, in each line that starts it: package.json's `receiver` script (held
// to these by test/receiver-command.test.ts), the demo and bench:receiver. V8 sizes its young
// generation from the machine's memory (two 64 MiB semi-spaces on these 24 GiB machines) and a
// flood of exports fills it: with 8 MiB the receiver keeps its 100,000 spans in ~153 MiB at its
// peak instead of 171-197 (`npm run bench:receiver`, docs/receiver.md).
export const RECEIVER_NODE_FLAGS = ['--max-semi-space-size=8'];
