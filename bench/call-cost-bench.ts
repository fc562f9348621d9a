import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from 'bullmq';
import express from 'express';
import { createApp } from '../src/app.js';
import { idCheckCharacter } from '../src/booking/index.js';
import { jobDefinitions } from '../src/jobs.js';
import { createFixedClock } from '../src/platform/clock.js';
import { DEV_AUTH_TOKEN, loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createQueues, type Queues } from '../src/platform/queues.js';
import { createRedis } from '../src/platform/redis.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { readTwiml, type Verb } from '../src/telephony/index.js';
import {
  createHttpTransport,
  placeCall,
  type CallerInput,
  type CallerTransport,
} from '../tools/caller/caller.js';
import { createBenchEnv, round, type BenchEnv } from './bench-env.js';
import { PUBLIC_BASE_URL } from './incoming-bench.js';
import { startPostgresCounter, startRedisCounter, type WireCounter } from './wire-counter.js';

/** The kinds of complete call the scenario plays. */
export const CALL_KINDS = ['ivrHangUp', 'selfServedBooking', 'answered', 'callback'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** The targets for a complete answered call (issue 28, item 2). */
export const ANSWERED_TARGETS = { statements: 10, transactions: 4, cpuRatio: 3 };

const CITIZEN_CENTRE = '+864694226101';
/** A Tuesday morning, the halls open: the same hours in every run. */
const BENCH_TIME = '2026-12-01T09:00:00+08:00';
const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));

/** What one step of a call (a webhook, the desk's use case, a job) cost. */
export interface StepCost {
  step: string;
  statements: number;
  transactions: number;
  redisCommands: number;
  sql: string[];
}

/** What one complete call cost, step by step. */
export interface CallCost {
  kind: CallKind;
  /** HTTP requests the provider made to the service (webhooks). */
  requests: number;
  statements: number;
  transactions: number;
  redisCommands: number;
  steps: StepCost[];
}

/** Twilio's REST API as the call path uses it, recording each request (see routing-bench.ts). */
async function startRestStandIn(): Promise<{
  url: string;
  requests: Array<{ method: string; path: string; params: URLSearchParams }>;
  close(): Promise<void>;
}> {
  const requests: Array<{ method: string; path: string; params: URLSearchParams }> = [];
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

/**
 * The job producer of the stage: BullMQ queues on the runtime's Redis, as in production, that
 * also note each job added, so that the stage can run the ones due at once (the summary, the
 * callback's dialling, the SMS) through the worker's own processors, in this process and in
 * the call's order. Delayed jobs (wrap-up and offer timers) stay in Redis, unrun.
 */
function recordingQueues(queues: Queues): Queues & { added: Job[] } {
  const added: Job[] = [];
  return {
    ...queues,
    added,
    add: async (name, data, options) => {
      added.push(await queues.get(name).add(name, data, options));
    },
  };
}

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
  const bareApp = express();
  bareApp.post(/^\/twilio\/voice\//, (_req, res) => {
    res
      .type('text/xml')
      .send(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN">您好</Say></Response>',
      );
  });
  const bareServer = await new Promise<Server>((resolve) => {
    const s = bareApp.listen(0, '127.0.0.1', () => resolve(s));
  });
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
  let steps: StepCost[] = [];
  const http = createHttpTransport({
    publicBaseUrl: PUBLIC_BASE_URL,
    targetBaseUrl: url,
    authToken: DEV_AUTH_TOKEN,
  });
  const counted = (counter: WireCounter | undefined) => counter?.counts() ?? emptyCounts;
  /** Resolves once neither PostgreSQL nor Redis has seen traffic for 100 ms (work a request left running included). */
  const settle = async () => {
    if (!postgresCounter || !redisCounter) return;
    let last = -1;
    for (;;) {
      const now = postgresCounter.counts().statements + redisCounter.counts().statements;
      if (now === last) return;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  /** Runs one step of the call; with counters, notes what it cost. */
  async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
    if (!postgresCounter) return run();
    await settle();
    const pg = counted(postgresCounter);
    const redis = counted(redisCounter);
    const result = await run();
    await settle();
    const pgAfter = counted(postgresCounter);
    steps.push({
      step: label,
      statements: pgAfter.statements - pg.statements,
      transactions: pgAfter.transactions - pg.transactions,
      redisCommands: counted(redisCounter).statements - redis.statements,
      sql: pgAfter.log.slice(pg.log.length),
    });
    return result;
  }
  const transport: CallerTransport = {
    post: (publicUrl, params) => {
      requests += 1;
      return step(`POST ${new URL(publicUrl).pathname.replace('/twilio/voice', '')}`, () =>
        http.post(publicUrl, params),
      );
    },
  };
  const post = async (publicUrl: string, params: Record<string, string>) => {
    const response = await transport.post(publicUrl, params);
    if (response.status >= 300)
      throw new Error(`${publicUrl} answered ${response.status}: ${response.body}`);
    return response.body.startsWith('<?xml') ? readTwiml(response.body) : [];
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
  const statusCompleted = (callSid: string, from: string, to: string) =>
    post(`${PUBLIC_BASE_URL}/twilio/voice/status`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      CallStatus: 'completed',
      SequenceNumber: '9',
      Timestamp: clock.now().toUTCString().replace('GMT', '+0000'),
      From: from,
      To: to,
      Direction: 'inbound',
      CallDuration: '120',
    });
  const waitForRest = async (match: (r: (typeof rest.requests)[number]) => boolean) => {
    for (let i = 0; i < 200; i += 1) {
      const found = rest.requests.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the service made no such REST request');
  };
  const attribute = (verbs: Verb[], verb: string, name: string): string | undefined => {
    for (const v of verbs) {
      if (v.name === verb && v.attributes[name]) return v.attributes[name];
      const inner = attribute(v.children, verb, name);
      if (inner) return inner;
    }
    return undefined;
  };
  let callers = 0;
  const nextCaller = () => {
    callers += 1;
    return `+86139046${String(callers).padStart(5, '0')}`;
  };

  const plays: Record<CallKind, () => Promise<void>> = {
    // The caller hears the welcome, chooses consulting, and hangs up at its menu.
    async ivrHangUp() {
      const from = nextCaller();
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('2'),
        },
        null,
      );
      if (call.outcome !== 'caller-hung-up') throw new Error(call.lines.join('\n'));
      await statusCompleted(call.requests[0]!.params.CallSid!, from, CITIZEN_CENTRE);
      await runDueJobs();
    },
    // Book (1), the general desks (1), general intake (1), its first service (1), tomorrow morning (3), the ID number, confirm (1): as test/flows/call-flows.test.ts.
    async selfServedBooking() {
      const from = nextCaller();
      const first17 = `2305021960010${String(1000 + callers).slice(-4)}`;
      const idNumber = `${first17}${idCheckCharacter(first17)}`;
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('1', '1', '1', '1', '3', `${idNumber.replace('X', '*')}#`, '1'),
        },
        null,
      );
      if (!/预约码是/.test(call.lines.join('\n'))) throw new Error(call.lines.join('\n'));
      await statusCompleted(call.requests[0]!.params.CallSid!, from, CITIZEN_CENTRE);
      await runDueJobs();
    },
    // Consult (2), general guidance (1): queued, dequeued to the free agent, answered, hung up, outcome recorded.
    async answered() {
      const from = nextCaller();
      let resultUrl = '';
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('2', '1'),
          waitRounds: 1,
          // The Enqueue action is requested below, as Twilio does after a REST dequeue (QueueResult redirected).
          stopAt: (next) => (next.includes('/queue/result') ? ((resultUrl = next), true) : false),
        },
        null,
      );
      const callSid = call.requests[0]!.params.CallSid!;
      const base = call.requests[0]!.params;
      const dequeue = await waitForRest((r) => r.path.endsWith(`/Members/${callSid}.json`));
      const wait = call.requests.at(-1)!.params;
      await post(resultUrl, {
        ...base,
        QueueResult: 'redirected',
        QueueSid: wait.QueueSid!,
        QueueTime: '20',
      });
      const connect = await post(dequeue.params.get('Url')!, base);
      const legStatus = attribute(connect, 'Client', 'statusCallback');
      const dialResult = attribute(connect, 'Dial', 'action')!;
      const agentLeg = `CA${randomBytes(16).toString('hex')}`;
      const leg = (status: string) =>
        legStatus
          ? post(legStatus, { AccountSid: base.AccountSid!, CallSid: agentLeg, CallStatus: status })
          : Promise.resolve([]);
      await leg('in-progress');
      await post(dialResult, {
        ...base,
        DialCallStatus: 'completed',
        DialCallSid: agentLeg,
        DialCallDuration: '100',
      });
      await leg('completed');
      await statusCompleted(callSid, from, CITIZEN_CENTRE);
      await step('desk outcomes.record', () =>
        runtime.desk.outcomes.record(agent, callSid, 'other', { reason: 'information_only' }),
      );
      await runDueJobs();
    },
    // Consult (2), general guidance (1) with no agent free; 1 at the callback offer; later the agent is free and the callback is placed and answered.
    async callback() {
      const from = nextCaller();
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('2', '1', '1'),
          waitRounds: 3,
        },
        null,
      );
      if (!call.requests.some((r) => r.twiml.includes('<Leave/>')))
        throw new Error(call.lines.join('\n'));
      await statusCompleted(call.requests[0]!.params.CallSid!, from, CITIZEN_CENTRE);
      await runDueJobs();
      const before = rest.requests.length;
      await step('agent available (presence.setState)', () =>
        runtime.routing.presence.setState(agent, 'available'),
      );
      await runDueJobs();
      const create = await waitForRest(
        (r) => rest.requests.indexOf(r) >= before && r.path.endsWith('/Calls.json'),
      );
      const agentLeg = `CA${randomBytes(16).toString('hex')}`;
      const params = { AccountSid: 'AC00000000000000000000000000000000', CallSid: agentLeg };
      const connect = await post(create.params.get('Url')!, {
        ...params,
        CallStatus: 'in-progress',
      });
      await post(attribute(connect, 'Dial', 'action')!, {
        ...params,
        CallStatus: 'in-progress',
        DialCallStatus: 'completed',
        DialCallSid: `CA${randomBytes(16).toString('hex')}`,
        DialCallDuration: '90',
      });
      const status = create.params.get('StatusCallback');
      if (status) await post(status, { ...params, CallStatus: 'completed', CallDuration: '95' });
      await step('desk outcomes.record', () =>
        runtime.desk.outcomes.record(agent, agentLeg, 'consultation', {
          topic: '个税汇算',
          question: '如何申报',
          answer: '已指导',
          resolution: 'resolved',
        }),
      );
      await runDueJobs();
    },
  };

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
      steps = [];
      await plays[kind]();
      const total = (field: 'statements' | 'transactions' | 'redisCommands') =>
        steps.reduce((sum, s) => sum + s[field], 0);
      return {
        kind,
        requests,
        statements: total('statements'),
        transactions: total('transactions'),
        redisCommands: total('redisCommands'),
        steps,
      };
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

const emptyCounts = { statements: 0, transactions: 0, log: [] as string[] };

/**
 * Where a statement comes from, by its first words: the verb and the table it reads or writes
 * (`select … from "calls"`, `insert into "call_steps"`), a CTE by its name and first verb.
 */
export function statementGroup(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  const table = (pattern: RegExp) => pattern.exec(text)?.[1] ?? '?';
  if (text.startsWith('select')) return `select … from ${table(/ from ("?[\w.]+"?)/)}`;
  if (text.startsWith('insert')) return `insert into ${table(/^insert into ("?[\w.]+"?)/)}`;
  if (text.startsWith('update')) return `update ${table(/^update ("?[\w.]+"?)/)}`;
  if (text.startsWith('delete')) return `delete from ${table(/^delete from ("?[\w.]+"?)/)}`;
  if (text.startsWith('with')) {
    // Named by its first CTE (what it runs) and by the statement after the CTEs.
    let depth = 0;
    let first = '';
    for (let i = 0; i < text.length; i += 1) {
      if (text[i] === '(') depth += 1;
      else if (text[i] === ')' && --depth === 0) {
        first ||= statementGroup(text.slice(text.indexOf('(') + 1, i));
        const rest = text.slice(i + 1).trim();
        if (!rest.startsWith(','))
          return `with ${table(/^with ("?\w+"?)/)} (${first}) → ${statementGroup(rest)}`;
      }
    }
    return 'with ?';
  }
  return text.split(' ').slice(0, 2).join(' ');
}

/** Counts of each statement group, most frequent first. */
export function groupStatements(sql: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const text of sql) {
    const group = statementGroup(text);
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

const CPU_CALLS = 8;
const COUNTED_CALLS = 2;
const BARE_REQUESTS = 400;

/**
 * `npm run bench -- callcost`: complete calls of each kind played through the service's real
 * webhooks (signed as Twilio signs them) on PostgreSQL and Redis, with the jobs they produce
 * run through the worker's processors. Per kind: SQL statements, transactions and Redis
 * commands per call, counted exactly on the wire (wire-counter.ts), and CPU per call against
 * the bare route's CPU for the same number of requests, measured in the same process and run.
 */
export async function runCallCostBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  try {
    // Counting: a warm-up call of each kind (connections opened, statements prepared, scripts loaded), then counted calls.
    const counting = await createCallStage(env, { counting: true });
    const counts: Record<string, CallCost[]> = {};
    try {
      for (const kind of CALL_KINDS) {
        await counting.prepare(kind);
        await counting.play(kind);
        counts[kind] = [];
        for (let i = 0; i < COUNTED_CALLS; i += 1) {
          await counting.prepare(kind);
          counts[kind].push(await counting.play(kind));
        }
      }
    } finally {
      await counting.close();
    }
    // CPU: the same calls without the proxies, this process's user+system CPU around each call.
    const timing = await createCallStage(env, { counting: false });
    const cpu: Record<string, { msPerCall: number; requestsPerCall: number }> = {};
    let bareMsPerRequest: number;
    try {
      for (let i = 0; i < 50; i += 1) await timing.bare();
      const bareStart = process.cpuUsage();
      for (let i = 0; i < BARE_REQUESTS; i += 1) await timing.bare();
      bareMsPerRequest = cpuMs(process.cpuUsage(bareStart)) / BARE_REQUESTS;
      for (const kind of CALL_KINDS) {
        await timing.prepare(kind);
        const { requests } = await timing.play(kind);
        let used = 0;
        for (let i = 0; i < CPU_CALLS; i += 1) {
          await timing.prepare(kind);
          const start = process.cpuUsage();
          await timing.play(kind);
          used += cpuMs(process.cpuUsage(start));
        }
        cpu[kind] = { msPerCall: used / CPU_CALLS, requestsPerCall: requests };
      }
    } finally {
      await timing.close();
    }
    const perKind = Object.fromEntries(
      CALL_KINDS.map((kind) => {
        const [call, again] = counts[kind]!;
        const { msPerCall, requestsPerCall } = cpu[kind]!;
        const cpuRatio = msPerCall / (bareMsPerRequest * requestsPerCall);
        return [
          kind,
          {
            webhookRequests: call!.requests,
            statementsPerCall: call!.statements,
            transactionsPerCall: call!.transactions,
            redisCommandsPerCall: call!.redisCommands,
            secondCall: `${again!.statements} sql, ${again!.transactions} tx, ${again!.redisCommands} redis`,
            cpuMsPerCall: round(msPerCall, 2),
            bareCpuMsForSameRequests: round(bareMsPerRequest * requestsPerCall, 2),
            cpuRatio: round(cpuRatio, 2),
          },
        ];
      }),
    );
    const answered = counts.answered![0]!;
    return {
      scenario:
        'complete calls through signed webhooks and the worker processors, counted on the wire',
      bareCpuMsPerRequest: round(bareMsPerRequest, 3),
      perKind,
      answeredTargets: {
        statements: `${answered.statements} (target ≤ ${ANSWERED_TARGETS.statements})`,
        transactions: `${answered.transactions} (target ≤ ${ANSWERED_TARGETS.transactions})`,
        cpuRatio: `${perKind.answered!.cpuRatio} (target ≤ ${ANSWERED_TARGETS.cpuRatio})`,
      },
      answeredStatementsByGroup: groupStatements(answered.steps.flatMap((s) => s.sql)),
      answeredSteps: answered.steps.map((s) => ({
        step: s.step,
        statements: s.statements,
        transactions: s.transactions,
        redisCommands: s.redisCommands,
        groups: groupStatements(s.sql),
      })),
      answeredSql: answered.steps.flatMap((s) =>
        s.sql.map((text) => `${s.step}: ${text.replace(/\s+/g, ' ').slice(0, 140)}`),
      ),
      otherKindsSteps: Object.fromEntries(
        CALL_KINDS.filter((k) => k !== 'answered').map((kind) => [
          kind,
          counts[kind]![0]!.steps.map(
            (s) => `${s.step}: ${s.statements} sql, ${s.transactions} tx, ${s.redisCommands} redis`,
          ),
        ]),
      ),
      note: 'CPU on a loaded 2-core machine shared with other work: counts are exact, CPU figures are indicative',
    };
  } finally {
    await env.drop();
  }
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
