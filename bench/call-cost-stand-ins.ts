import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from 'bullmq';
import express from 'express';
import type { Queues } from '../src/platform/queues.js';

/** A request the service made to the REST stand-in. */
export interface RestRequest {
  method: string;
  path: string;
  params: URLSearchParams;
}

/** Twilio's REST API as the call path uses it, recording each request (see routing-bench.ts). */
export async function startRestStandIn(): Promise<{
  url: string;
  requests: RestRequest[];
  close(): Promise<void>;
}> {
  const requests: RestRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      requests.push({ method: req.method ?? 'GET', path, params });
      res.setHeader('content-type', 'application/json');
      const member = /\/Queues\/([^/]+)\/Members\/([^/.]+)\.json$/.exec(path);
      const call = /\/Calls\/([^/.]+)\.json$/.exec(path);
      if (member) res.end(JSON.stringify({ call_sid: member[2], queue_sid: member[1] }));
      else if (call) res.end(JSON.stringify({ sid: call[1], status: 'in-progress' }));
      else if (/\/(Calls|Messages)\.json$/.test(path)) {
        res.statusCode = 201;
        const prefix = path.endsWith('Calls.json') ? 'CA' : 'SM';
        res.end(JSON.stringify({ sid: `${prefix}${randomBytes(16).toString('hex')}` }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A bare Express route returning fixed TwiML to voice webhooks: the baseline request's server. */
export async function startBareServer(): Promise<Server> {
  const bareApp = express();
  bareApp.post(/^\/twilio\/voice\//, (_req, res) => {
    res
      .type('text/xml')
      .send(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN">您好</Say></Response>',
      );
  });
  return new Promise<Server>((resolve) => {
    const s = bareApp.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/**
 * The job producer of the stage: BullMQ queues on the runtime's Redis, as in production, that
 * also note each job added, so that the stage can run the ones due at once (the summary, the
 * callback's dialling, the SMS) through the worker's own processors, in this process and in
 * the call's order. Delayed jobs (wrap-up and offer timers) stay in Redis, unrun.
 */
export function recordingQueues(queues: Queues): Queues & { added: Job[] } {
  const added: Job[] = [];
  return {
    ...queues,
    added,
    add: async (name, data, options) => {
      added.push(await queues.get(name).add(name, data, options));
    },
  };
}
