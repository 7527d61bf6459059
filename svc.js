const { trace } = require('/work/main/node_modules/@opentelemetry/api');
const server = require('node:http').createServer((req, res) => { trace.getTracer('s').startSpan('work').end(); res.end('ok'); });
server.listen(0, () => console.log('listening ' + server.address().port));
