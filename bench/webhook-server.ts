import express from 'express';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { createRuntime } from '../src/runtime.js';

/**
 * A server for the webhook benchmark, run as a child process so that the load generator does
 * not share its event loop. `baseline`: a bare Express route returning a fixed TwiML string.
 * `app`: the service itself. Prints the port when listening.
 */
const mode = process.argv[2];
const FIXED = '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN" voice="Polly.Zhiyu">您好</Say></Response>';

let app: express.Express;
if (mode === 'baseline') {
  app = express();
  // Every voice path answers the same fixed TwiML: the floor any webhook scenario is compared with.
  app.post(/^\/twilio\/voice\//, (_req, res) => {
    res.type('text/xml').send(FIXED);
  });
} else {
  // BENCH_AT pins the service's clock (then running on from there): the same hours in every run.
  const offset = process.env.BENCH_AT ? new Date(process.env.BENCH_AT).getTime() - Date.now() : 0;
  const runtime = await createRuntime(loadConfig(), { clock: { now: () => new Date(Date.now() + offset) } });
  app = createApp(runtime);
}
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`PORT ${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
