import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { queuedCallOf, type QueuedCall } from '../../src/calls/index.js';
import { createFixedClock, type Clock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, startTestServer, testRun } from '../support/env.js';
import { randomHex } from '../support/random.js';
import { requirePresent } from '../support/required.js';
import { buildCallSid } from '../support/twilio.js';

/** One REST request the service made to "Twilio". */
export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string | string[]>;
  at: number;
}

const specPath = new URL('../../../shared/twilio/openapi/twilio_api_v2010.json', import.meta.url);
type Operation = {
  requestBody?: {
    content: Record<
      string,
      { schema: { properties?: Record<string, unknown>; required?: string[] } }
    >;
  };
};
const spec = requirePresent(
  fileURLToPath(specPath),
  "Twilio's REST API description (../shared/twilio/openapi)",
  'place the shared/ folder beside the repository',
)
  ? (JSON.parse(readFileSync(specPath, 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
    })
  : null;

/** Asserts that a request matches an operation of Twilio's published API: known path, known and required form fields. */
export function assertTwilioConformant(request: RecordedRequest): void {
  if (!spec) return;
  const entry = Object.entries(spec.paths).find(([template]) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(
      request.path,
    ),
  );
  assert.ok(entry, `no such Twilio path: ${request.path}`);
  const operation = entry[1][request.method.toLowerCase()];
  assert.ok(operation, `Twilio has no ${request.method} ${entry[0]}`);
  const schema = operation.requestBody?.content['application/x-www-form-urlencoded']?.schema;
  if (!schema) return;
  for (const key of Object.keys(request.params))
    assert.ok(
      schema.properties && key in schema.properties,
      `${request.path}: Twilio has no parameter ${key}`,
    );
  for (const key of schema.required ?? [])
    assert.ok(key in request.params, `${request.path}: required parameter ${key} missing`);
}

/**
 * A local HTTP server that answers like Twilio's REST API and records each request; every
 * request is checked against Twilio's OpenAPI description when it is present.
 */
export async function startTwilioMock(): Promise<{
  url: string;
  requests: RecordedRequest[];
  /** Answer 404 (not in the queue, or no such live call) for offers of these calls. */
  missingMembers: Set<string>;
  /** Status a call fetch (`GET /Calls/{sid}`) answers for these calls; others are in-progress. */
  callStatuses: Map<string, string>;
  /** Resolves with the first request whose path contains `fragment`, after `from` requests. */
  waitFor(fragment: string, timeoutMs?: number): Promise<RecordedRequest>;
  /** Offers of calls to agents: Queue member dequeues, or (a provider without queues) live-call updates to the connect URL. */
  dequeues(): RecordedRequest[];
  onRequest?: (request: RecordedRequest) => void;
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const missingMembers = new Set<string>();
  const callStatuses = new Map<string, string>();
  const waiters: Array<{ fragment: string; resolve: (r: RecordedRequest) => void }> = [];
  const mock = {
    url: '',
    requests,
    missingMembers,
    callStatuses,
    onRequest: undefined as ((request: RecordedRequest) => void) | undefined,
    waitFor(fragment: string, timeoutMs = 5000) {
      const found = requests.find((r) => r.path.includes(fragment));
      if (found) return Promise.resolve(found);
      return new Promise<RecordedRequest>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no Twilio request to ${fragment} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ fragment, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    dequeues: () =>
      requests.filter(
        (r) =>
          r.method === 'POST' &&
          (r.path.includes('/Members/') ||
            (/\/Calls\/CA[0-9a-f]{32}\.json$/.test(r.path) &&
              String(r.params.Url ?? '').includes('/agents/connect?'))),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const params: Record<string, string | string[]> = {};
      for (const key of new Set(form.keys())) {
        const all = form.getAll(key);
        params[key] = all.length > 1 ? all : all[0]!;
      }
      const request = { method: req.method ?? 'GET', path, params, at: performance.now() };
      requests.push(request);
      mock.onRequest?.(request);
      for (const waiter of waiters.splice(0).filter((w) => {
        const hit = path.includes(w.fragment);
        if (!hit) waiters.push(w);
        return hit;
      }))
        waiter.resolve(request);
      const member = /\/Queues\/([^/]+)\/Members\/([^/.]+)\.json$/.exec(path);
      res.setHeader('content-type', 'application/json');
      if (!req.headers.authorization?.startsWith('Basic ')) {
        res.statusCode = 401;
        res.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
        return;
      }
      if (member) {
        if (missingMembers.has(member[2]!)) {
          res.statusCode = 404;
          res.end(
            JSON.stringify({
              code: 20404,
              message: 'The requested resource was not found',
              status: 404,
            }),
          );
          return;
        }
        res.end(
          JSON.stringify({
            call_sid: member[2],
            queue_sid: member[1],
            position: 1,
            wait_time: 3,
            date_enqueued: new Date().toUTCString(),
            uri: path,
          }),
        );
        return;
      }
      if (/\/Calls\.json$/.test(path)) {
        res.statusCode = 201;
        res.end(
          JSON.stringify({
            sid: buildCallSid(),
            status: 'queued',
            to: params.To,
            from: params.From,
          }),
        );
        return;
      }
      if (/\/Messages\.json$/.test(path)) {
        res.statusCode = 201;
        res.end(
          JSON.stringify({
            sid: `SM${randomBytes(16).toString('hex')}`,
            status: 'queued',
            to: params.To,
            from: params.From,
            body: params.Body,
          }),
        );
        return;
      }
      if (/\/Recordings\/RE[0-9a-f]{32}\.mp3$/.test(path)) {
        res.setHeader('content-type', 'audio/mpeg');
        res.end(Buffer.from('ID3-recording'));
        return;
      }
      if (req.method === 'DELETE' && /\/Recordings\/RE[0-9a-f]{32}\.json$/.test(path)) {
        res.statusCode = 204;
        res.end();
        return;
      }
      const call = /\/Calls\/([^/.]+)\.json$/.exec(path);
      if (call && req.method === 'POST' && missingMembers.has(call[1]!)) {
        res.statusCode = 404;
        res.end(
          JSON.stringify({
            code: 20404,
            message: 'The requested resource was not found',
            status: 404,
          }),
        );
        return;
      }
      if (call) {
        res.end(
          JSON.stringify({ sid: call[1], status: callStatuses.get(call[1]!) ?? 'in-progress' }),
        );
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return mock;
}

export type TwilioMock = Awaited<ReturnType<typeof startTwilioMock>>;

const routingRuntimes: Array<{ close(): Promise<void> }> = [];

/** A runtime with its own Redis prefix (so wait lists start empty) talking to the Twilio mock; closed by {@link closeRoutingRuntimes}. */
export async function routingRuntime(
  mock: TwilioMock,
  clock: Clock = createFixedClock('2026-03-02T02:00:00Z'),
  env: Record<string, string> = {},
): Promise<Runtime> {
  const runtime = await createTestRuntime({
    clock,
    env: {
      REDIS_PREFIX: `${testRun.redisPrefix}-${randomBytes(3).toString('hex')}`,
      TWILIO_API_BASE_URL: mock.url,
      ...env,
    },
  });
  routingRuntimes.push(runtime);
  return runtime;
}

/** Serves a routing runtime's app; closed with it. */
export async function serveRouting(runtime: Runtime): Promise<string> {
  const server = await startTestServer(runtime);
  routingRuntimes.unshift(server);
  return server.url;
}

/** Closes the runtimes (and their database pools) that the last test opened. */
export async function closeRoutingRuntimes(): Promise<void> {
  for (const handle of routingRuntimes.splice(0)) await handle.close().catch(() => undefined);
}

/** A fresh Twilio queue SID. */
/** The parameters every voice webhook of a call carries, and more. */
export const voiceParams = (callSid: string, extra: Record<string, string> = {}) => ({
  AccountSid: 'AC00000000000000000000000000000000',
  CallSid: callSid,
  ...extra,
});

/** An agent leg's voice webhook path (`leg` for a leg after the first). */
export const agentPath = (route: string, agent: string, call: string, leg?: number) =>
  `/twilio/voice/agents/${route}?${new URLSearchParams({ agent, call, ...(leg ? { leg: String(leg) } : {}) })}`;

export const buildQueueSid = () => `QU${randomHex(16)}`;

let agentCounter = 0;
/** A unique agent id for this run. */
export const buildAgentId = (stem = 'agent') =>
  `${stem}_${process.pid % 10000}_${(agentCounter += 1)}_${randomBytes(2).toString('hex')}`;

/** Creates an agent account (real argon2 hash) with the given skills. */
export async function createAgent(
  runtime: Runtime,
  options: {
    skills: string[];
    commissionerId?: string;
    role?: 'agent' | 'supervisor' | 'admin';
    id?: string;
    password?: string;
    displayName?: string;
  },
) {
  const id = options.id ?? buildAgentId();
  await runtime.staff.createUser({
    username: id,
    role: options.role ?? 'agent',
    skills: options.skills,
    password: options.password ?? 'correct horse battery',
    commissionerId: options.commissionerId,
    displayName: options.displayName,
  });
  return id;
}

/** What the IVR does when it queues a call (common.md's contract), then tells routing with the Twilio queue's SID. */
export async function queueCall(
  runtime: Runtime,
  options: {
    skill: string;
    priority?: number;
    commissionerId?: string;
    queuedAt?: Date;
    callSid?: string;
    queueSid?: string;
    notify?: boolean;
  },
): Promise<{ callSid: string; queueSid: string; queued: QueuedCall }> {
  const callSid = options.callSid ?? buildCallSid();
  const queueSid = options.queueSid ?? buildQueueSid();
  const hotline =
    runtime.catalogue.hotlines.find((h) => h.department === options.skill) ??
    runtime.catalogue.hotlines[0]!;
  await runtime.ledger.recordArrival({
    callSid,
    from: '+8613904691234',
    to: hotline.number,
    hotline: { number: hotline.number, hall: hotline.hall, department: hotline.department },
  });
  await runtime.ledger.recordQueued(
    callSid,
    {
      skill: options.skill,
      priority: options.priority ?? 0,
      greenChannel: (options.priority ?? 0) > 0,
      commissionerId: options.commissionerId ?? null,
    },
    options.queuedAt,
  );
  const queued = queuedCallOf((await runtime.ledger.find(callSid))!, queueSid)!;
  // Routing records the queue SID when told; a call routing was never told of (lost) has it stored as routing would have.
  if (options.notify !== false) await runtime.routing.acd.callQueued(queued);
  else await runtime.ledger.recordWaiting(callSid, queueSid);
  return { callSid, queueSid, queued };
}

/**
 * The path of routing's wait URL for a requeued caller, as routing writes it into `<Enqueue
 * waitUrl>`: the call, the IVR menu of the hotline called, and the queue's skill.
 */
export async function queueWaitPath(
  runtime: Runtime,
  callSid: string,
  skill?: string,
): Promise<string> {
  const call = await runtime.ledger.find(callSid);
  const menu = runtime.catalogue.hotline(call!.hotlineNumber!)!.menu;
  return `/twilio/voice/agents/queue-wait?${new URLSearchParams({ call: callSid, menu, skill: skill ?? call!.queueSkill! })}`;
}

/** The agent and call an offer (a dequeue, or a live-call update) names. */
export function dequeued(request: RecordedRequest): { callSid: string; agentId: string } {
  const callSid = /\/(?:Members|Calls)\/([^/.]+)\.json$/.exec(request.path)![1]!;
  const url = new URL(String(request.params.Url));
  return { callSid, agentId: url.searchParams.get('agent')! };
}

/** The job of a queue whose data matches, whatever its state (jobs are looked up by content, not by their id scheme). */
export async function findJob(
  runtime: Runtime,
  queue: Parameters<Runtime['queues']['get']>[0],
  match: (data: Record<string, unknown>) => boolean,
) {
  const jobs = await runtime.queues
    .get(queue)
    .getJobs(['delayed', 'waiting', 'active', 'completed', 'failed']);
  return jobs.find((job) => job && match(job.data as Record<string, unknown>));
}

export { eventually } from '../support/poll.js';

/**
 * The hooks every routing suite needs: one Twilio mock for the suite, its requests emptied before
 * each test, routing runtimes closed after each. Returns the mock once the suite has started.
 */
export function useTwilioMockSuite(): () => TwilioMock {
  let mock: TwilioMock | undefined;
  before(async () => {
    mock = await startTwilioMock();
  });
  after(async () => mock?.close());
  beforeEach(() => {
    mock!.requests.length = 0;
    mock!.callStatuses.clear();
  });
  afterEach(closeRoutingRuntimes);
  return () => mock!;
}

/** A browser-like client: keeps the session cookie and sends the CSRF header on writes. */
export function client(baseUrl: string, password = 'correct horse battery') {
  let cookie = '';
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { 'x-requested-with': 'XMLHttpRequest' },
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    return {
      status: response.status,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read field by field in assertions
      body: (text ? JSON.parse(text) : {}) as Record<string, any>,
      setCookie,
    };
  };
  return {
    request,
    login: (username: string, secret = password) =>
      request('POST', '/api/auth/login', { username, password: secret }),
    get cookie() {
      return cookie;
    },
  };
}
