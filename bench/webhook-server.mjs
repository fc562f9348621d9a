// A server for the webhook benchmark, run as a child process so that the load generator does
// not share its event loop. `baseline`: a bare Express route returning a fixed TwiML string.
// `app`: the service itself. Prints the port when listening.
//
// Plain JavaScript on the built service (dist/, as `npm run web` runs it), not through tsx:
// tsx compiles with esbuild's keepNames, which wraps every function created at run time in a
// naming call, a cost per request that the service does not have in production.
import process from 'node:process';
import express from 'express';
import { createApp } from '../dist/app.js';
import { loadConfig } from '../dist/platform/config.js';
import { createRuntime } from '../dist/runtime.js';

const mode = process.argv[2];
const FIXED =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN" voice="Polly.Zhiyu">您好</Say></Response>';

let app;
if (mode === 'baseline') {
  app = express();
  // Every voice path answers the same fixed TwiML: the floor any webhook scenario is compared with.
  app.post(/^\/twilio\/voice\//, (_req, res) => {
    res.type('text/xml').send(FIXED);
  });
} else {
  // BENCH_AT pins the service's clock (then running on from there): the same hours in every run.
  const offset = process.env.BENCH_AT ? new Date(process.env.BENCH_AT).getTime() - Date.now() : 0;
  const runtime = await createRuntime(loadConfig(), {
    clock: { now: () => new Date(Date.now() + offset) },
  });
  app = createApp(runtime);
}
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
