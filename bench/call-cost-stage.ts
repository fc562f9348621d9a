import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { jobDefinitions } from '../src/jobs.js';
import { createFixedClock } from '../src/platform/clock.js';
import { DEV_AUTH_TOKEN, loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createQueues } from '../src/platform/queues.js';
import { createRedis } from '../src/platform/redis.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { createHttpTransport, type CallerTransport } from '../tools/caller/caller.js';
import type { BenchEnv } from './bench-env.js';
import { CITIZEN_CENTRE, createCallDrivers } from './call-cost-drivers.js';
import { createCallMeter } from './call-cost-meter.js';
import { recordingQueues, startBareServer, startRestStandIn } from './call-cost-stand-ins.js';
import type { CallCost, CallKind } from './call-cost-types.js';
import { PUBLIC_BASE_URL } from './incoming-bench.js';
import { startPostgresCounter, startRedisCounter } from './wire-counter.js';

/** A Tuesday morning, the halls open: the same hours in every run. */
const BENCH_TIME = '2026-12-01T09:00:00+08:00';

/** A runtime serving the app, the REST stand-in, an agent, and the four kinds of call to play on them. */
export interface CallStage {
  runtime: Runtime;
  /** Plays one call of a kind; with counters, returns its cost step by step. */
  play(kind: CallKind): Promise<CallCost>;
  /** Puts the agent where a call of this kind needs them (not part of the call's cost). */
  prepare(kind: CallKind): Promise<void>;
  /** Signed POSTs to a bare Express route returning fixed TwiML: the baseline request. */
  bare(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds a stage on the bench's database and Redis prefix; with `counting`, PostgreSQL and
 * Redis are reached through counting proxies (see wire-counter.ts) and every step of a call
 * is measured once the traffic it caused has stopped.
 */
export async function createCallStage(
  env: BenchEnv,
  options: { counting: boolean },
): Promise<CallStage> {
  const postgresCounter = options.counting
    ? await startPostgresCounter(env.databaseUrl)
    : undefined;
  const redisCounter = options.counting ? await startRedisCounter(env.redisUrl) : undefined;
  const rest = await startRestStandIn();
  const config = loadConfig({
    ...env.env,
    DATABASE_URL: postgresCounter?.proxiedUrl ?? env.databaseUrl,
    REDIS_URL: redisCounter?.proxiedUrl ?? env.redisUrl,
    TWILIO_API_BASE_URL: rest.url,
    PUBLIC_BASE_URL,
    STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
  });
  const logger = createLogger('silent');
  const clock = createFixedClock(BENCH_TIME);
  const queueRedis = createRedis(config.redisUrl, logger, { name: 'web' });
  const queues = recordingQueues(createQueues(queueRedis, config.redisPrefix));
  const runtime = await createRuntime(config, { clock, logger, queues });
  const definitions = jobDefinitions(runtime);
  const app = createApp(runtime);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  runtime.listening.url = url;
  const bareServer = await startBareServer();
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  const agent = `bench_agent_${randomBytes(3).toString('hex')}`;
  if (!(await runtime.staff.findUser(agent)))
    await runtime.staff.createUser({
      username: agent,
      role: 'agent',
      skills: ['cc-general'],
      password: randomBytes(12).toString('hex'),
    });
  await runtime.booking.capacity.releaseSlots();

  let requests = 0;
  const meter = createCallMeter(postgresCounter, redisCounter);
  const step = meter.step;
  const http = createHttpTransport({
    publicBaseUrl: PUBLIC_BASE_URL,
    targetBaseUrl: url,
    authToken: DEV_AUTH_TOKEN,
  });
  const transport: CallerTransport = {
    post: (publicUrl, params) => {
      requests += 1;
      return step(`POST ${new URL(publicUrl).pathname.replace('/twilio/voice', '')}`, () =>
        http.post(publicUrl, params),
      );
    },
  };
  /** Runs the jobs the call produced that are due now, through the worker's processors, until none is left. */
  const runDueJobs = async () => {
    for (;;) {
      const due = queues.added.splice(0).filter((job) => !job.opts.delay);
      if (due.length === 0) return;
      for (const job of due) {
        const definition = definitions.find((d) => d.name === job.queueName);
        if (!definition) throw new Error(`no processor for ${job.queueName}`);
        await step(`job ${job.queueName}`, () =>
          definition.process(definition.schema.parse(job.data), job),
        );
      }
    }
  };
  const plays = createCallDrivers({
    runtime,
    clock,
    agent,
    transport,
    restRequests: rest.requests,
    step,
    runDueJobs,
  });

  return {
    runtime,
    async prepare(kind) {
      queues.added.length = 0;
      // The panel's heartbeat: an agent whose panel is alive goes back to available after wrap-up.
      await runtime.routing.presence.heartbeat(agent);
      const state = (await runtime.routing.store.agent(agent)).state;
      const wanted = kind === 'callback' ? 'break' : 'available';
      if (state !== wanted)
        await runtime.routing.presence.setState(
          agent,
          wanted,
          wanted === 'break' ? 'bench' : undefined,
        );
    },
    async play(kind) {
      requests = 0;
      meter.reset();
      await plays[kind]();
      return meter.cost(kind, requests);
    },
    async bare() {
      const params = {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: `CA${randomBytes(16).toString('hex')}`,
        From: '+8613904600000',
        To: CITIZEN_CENTRE,
      };
      await createHttpTransport({
        publicBaseUrl: PUBLIC_BASE_URL,
        targetBaseUrl: bareUrl,
        authToken: DEV_AUTH_TOKEN,
      }).post(`${PUBLIC_BASE_URL}/twilio/voice/incoming`, params);
    },
    async close() {
      // A later stage on the same database and prefix must not find this agent on shift.
      await runtime.routing.presence.setState(agent, 'offline').catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await new Promise<void>((resolve) => {
        bareServer.close(() => resolve());
        bareServer.closeAllConnections();
      });
      await runtime.close();
      await queues.close();
      queueRedis.disconnect();
      await rest.close();
      await postgresCounter?.close();
      await redisCounter?.close();
    },
  };
}
