import express, { Router, type Request, type Response } from 'express';
import type { ProviderCall } from './call-registry.js';
import type { StoredRecording } from './engine-core.js';

/** What the REST resources act on: the provider's use cases. */
export interface RestProvider {
  accountSid: string;
  authToken: string;
  createCall(params: Record<string, string | string[]>): ProviderCall | { error: string };
  findCall(sid: string): ProviderCall | undefined;
  /** Live calls (a Calls list filtered by ParentCallSid, Status). */
  liveCalls(): Iterable<ProviderCall>;
  /** Calls update: Url (and Method), Twiml, or Status completed/canceled. */
  updateCall(call: ProviderCall, params: Record<string, string | string[]>): string | undefined;
  /** Dequeues a member (a CallSid or `Front`) to a Url; undefined when it is not in the queue. */
  dequeue(queueSid: string, member: string, url: string): ProviderCall | undefined;
  sendMessage(
    params: Record<string, string | string[]>,
  ): { sid: string; to: string; from: string; body: string; sentAt: string } | { error: string };
  recordings: Map<string, StoredRecording>;
  now(): Date;
  /** More resources, behind the same authentication (the Conferences). */
  extend?: (router: Router, base: string) => void;
  /** Sees each request once authenticated (tests check them against Twilio's OpenAPI description). */
  observe?: (request: {
    method: string;
    path: string;
    params: Record<string, string | string[]>;
  }) => void;
}

const text = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value) ?? '';
export const twilioDate = (at: Date) => at.toUTCString().replace('GMT', '+0000');

export function error(res: Response, status: number, code: number, message: string): void {
  res
    .status(status)
    .json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

/** One page of a list resource, in Twilio's shape: all items on page 0. */
export const listPage = (key: string, items: unknown[]) => ({
  [key]: items,
  page: 0,
  page_size: items.length,
  start: 0,
  end: Math.max(0, items.length - 1),
  first_page_uri: '',
  next_page_uri: null,
  previous_page_uri: null,
  uri: '',
});

function callJson(accountSid: string, call: ProviderCall) {
  const duration =
    call.endedAt && call.answeredAt
      ? String(Math.round((call.endedAt.getTime() - call.answeredAt.getTime()) / 1000))
      : null;
  return {
    sid: call.sid,
    account_sid: accountSid,
    parent_call_sid: call.parentCallSid ?? null,
    to: call.to,
    from: call.from,
    status: call.status,
    direction: call.direction,
    start_time: call.answeredAt ? twilioDate(call.answeredAt) : null,
    end_time: call.endedAt ? twilioDate(call.endedAt) : null,
    duration,
    date_created: twilioDate(call.createdAt),
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`,
  };
}

function recordingJson(accountSid: string, recording: StoredRecording) {
  return {
    sid: recording.sid,
    account_sid: accountSid,
    call_sid: recording.callSid,
    duration: String(recording.durationSeconds),
    channels: recording.channels,
    source: recording.source,
    status: 'completed',
    date_created: twilioDate(recording.createdAt),
    uri: `/2010-04-01/Accounts/${accountSid}/Recordings/${recording.sid}.json`,
  };
}

/** A second of silence as 8 kHz mono WAV: what every local recording sounds like. */
function silenceWav(): Buffer {
  const samples = 8000;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

/**
 * Twilio's REST resources the service uses, under `/2010-04-01/Accounts/{AccountSid}`: Calls
 * (create, fetch, update), Queue Members (dequeue), Messages (create, list) and Recordings (list,
 * fetch, delete, media). HTTP Basic with the account SID and auth token, as Twilio; errors in
 * Twilio's shape (code, message, status).
 */
export function createRestRoutes(provider: RestProvider): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.use((req, res, next) => {
    const expected = `Basic ${Buffer.from(`${provider.accountSid}:${provider.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return error(res, 401, 20003, 'Authenticate');
    provider.observe?.({
      method: req.method,
      path: req.path,
      params: (req.body ?? {}) as Record<string, string | string[]>,
    });
    next();
  });
  const base = '/2010-04-01/Accounts/:account';
  const body = (req: Request) => (req.body ?? {}) as Record<string, string | string[]>;
  const callOr404 = (req: Request, res: Response) => {
    const call = provider.findCall(String(req.params.sid).replace(/\.json$/, ''));
    if (!call) error(res, 404, 20404, `The requested resource ${req.path} was not found`);
    return call;
  };

  router.post(`${base}/Calls.json`, (req, res) => {
    const created = provider.createCall(body(req));
    if ('error' in created) return error(res, 400, 21205, created.error);
    res.status(201).json(callJson(provider.accountSid, created));
  });
  router.get(`${base}/Calls.json`, (req, res) => {
    const parent = text(req.query.ParentCallSid as string | undefined);
    const status = text(req.query.Status as string | undefined);
    const calls = [...provider.liveCalls()].filter(
      (c) => (!parent || c.parentCallSid === parent) && (!status || c.status === status),
    );
    res.json(
      listPage(
        'calls',
        calls.map((c) => callJson(provider.accountSid, c)),
      ),
    );
  });
  router.get(`${base}/Calls/:sid`, (req, res) => {
    const call = callOr404(req, res);
    if (call) res.json(callJson(provider.accountSid, call));
  });
  router.post(`${base}/Calls/:sid`, (req, res) => {
    const call = callOr404(req, res);
    if (!call) return;
    // Twilio refuses to redirect a call that has ended (21220).
    if (call.endedAt) return error(res, 400, 21220, 'Call is not in-progress. Cannot redirect.');
    const problem = provider.updateCall(call, body(req));
    if (problem) return error(res, 400, 21220, problem);
    res.json(callJson(provider.accountSid, call));
  });
  router.post(`${base}/Queues/:queue/Members/:member`, (req, res) => {
    const member = String(req.params.member).replace(/\.json$/, '');
    const call = provider.dequeue(String(req.params.queue), member, text(body(req).Url));
    if (!call) return error(res, 404, 20404, `The requested resource ${req.path} was not found`);
    res.json({
      call_sid: call.sid,
      queue_sid: req.params.queue,
      position: 1,
      wait_time: 0,
      date_enqueued: twilioDate(call.createdAt),
      uri: req.path,
    });
  });
  router.post(`${base}/Messages.json`, (req, res) => {
    const sent = provider.sendMessage(body(req));
    if ('error' in sent) return error(res, 400, 21604, sent.error);
    res.status(201).json({
      sid: sent.sid,
      account_sid: provider.accountSid,
      to: sent.to,
      from: sent.from,
      body: sent.body,
      status: 'queued',
      direction: 'outbound-api',
      date_created: sent.sentAt,
      api_version: '2010-04-01',
      num_segments: '1',
    });
  });
  router.get(`${base}/Recordings.json`, (_req, res) => {
    const live = [...provider.recordings.values()].filter((r) => !r.deleted);
    res.json(
      listPage(
        'recordings',
        live.map((r) => recordingJson(provider.accountSid, r)),
      ),
    );
  });
  router.all(`${base}/Recordings/:file`, (req, res) => {
    const [sid, extension] = String(req.params.file).split('.');
    const recording = provider.recordings.get(sid ?? '');
    if (!recording || recording.deleted)
      return error(res, 404, 20404, `The requested resource ${req.path} was not found`);
    if (req.method === 'DELETE') {
      recording.deleted = true;
      res.status(204).end();
    } else if (req.method === 'GET' && extension === 'json')
      res.json(recordingJson(provider.accountSid, recording));
    else if (req.method === 'GET') res.type('audio/wav').send(silenceWav());
    else error(res, 405, 20004, 'Method not allowed');
  });
  provider.extend?.(router, base);
  router.use((req, res) =>
    error(res, 404, 20404, `The requested resource ${req.path} was not found`),
  );
  return router;
}
