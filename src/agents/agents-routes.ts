import { Router, type Request } from 'express';
import twilio from 'twilio';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { NotFoundError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import { requireStaff, type Accounts } from '../staff/index.js';
import type { AgentDesk } from './agent-desk-service.js';
import type { Audience, LiveEvents } from './agents-events.js';
import * as repo from './agents-repository.js';
import { callParamsSchema, outcomeSchemas, stateChangeSchema, transferSchema, type OutcomePath } from './agents-schemas.js';
import type { Outcomes } from './outcomes-service.js';
import type { RoutingRepository } from './routing-repository.js';
import type { Transfer } from './transfer-service.js';
import type { CallHolds } from './hold-service.js';

export interface AgentRoutesDeps {
  staff: Pick<Accounts, 'findUser' | 'sipCredentials'>;
  desk: AgentDesk;
  outcomes: Outcomes;
  transfer: Transfer;
  holds: CallHolds;
  store: RoutingRepository;
  events: LiveEvents;
  ledger: CallLedger;
  catalogue: Catalogue;
  db: Database;
  clock: Clock;
  config: Config;
}

const staffId = (req: Request) => (req.principal?.kind === 'staff' ? req.principal.userId : '');

/** Mints a Twilio Voice access token for the agent's softphone (identity = the agent's id). */
export function softphoneToken(config: Config, identity: string, ttlSeconds = 3600): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(config.twilio.accountSid, config.agents.apiKeySid, config.agents.apiKeySecret, { identity, ttl: ttlSeconds });
  token.addGrant(new AccessToken.VoiceGrant({ incomingAllow: true, ...(config.agents.twimlAppSid ? { outgoingApplicationSid: config.agents.twimlAppSid } : {}) }));
  return token.toJwt();
}

/** The agents' and supervisors' API (mounted under /api, after `authenticate`). */
export function createAgentRoutes(deps: AgentRoutesDeps): Router {
  const { staff, desk, outcomes, transfer, holds, store, events, ledger, catalogue, db, clock, config } = deps;
  const router = Router();

  router.get('/agents/me', requireStaff('agent'), async (req, res) => {
    const user = await staff.findUser(staffId(req));
    if (!user) throw new NotFoundError('no such user');
    await desk.heartbeat(user.id);
    res.json({ user: { id: user.id, displayName: user.displayName || user.id, role: user.role, skills: user.skills, commissionerId: user.commissionerId }, state: await desk.snapshot(user.id) });
  });

  router.put('/agents/me/state', requireStaff('agent'), async (req, res) => {
    const { state, reason } = parseInput(stateChangeSchema, req.body);
    res.json({ state: await desk.setState(staffId(req), state, reason) });
  });

  router.post('/agents/me/heartbeat', requireStaff('agent'), async (req, res) => {
    await desk.heartbeat(staffId(req));
    res.status(204).end();
  });

  router.get('/agents/me/token', requireStaff('agent'), (req, res) => {
    const ttl = 3600;
    res.json({ token: softphoneToken(config, staffId(req), ttl), identity: staffId(req), ttlSeconds: ttl });
  });

  // What the panel's softphone registers with: a Voice SDK token where the provider rings clients,
  // else the agent's own SIP account (the password opened for them alone; the response is never logged).
  router.get('/agents/me/softphone', requireStaff('agent'), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (config.telephony.clientDialing) {
      const ttl = 3600;
      res.json({ kind: 'twilio', token: softphoneToken(config, staffId(req), ttl), identity: staffId(req), ttlSeconds: ttl });
      return;
    }
    const credentials = config.agents.sip.wsUrl ? await staff.sipCredentials(staffId(req)) : undefined;
    res.json(credentials ? { kind: 'sip', wsUrl: config.agents.sip.wsUrl, uri: credentials.uri, password: credentials.password } : { kind: 'none' });
  });

  router.get('/agents/me/call', requireStaff('agent'), async (req, res) => {
    const agentId = staffId(req);
    const snapshot = await desk.snapshot(agentId);
    const call = snapshot.callSid && !snapshot.callSid.startsWith('cb:') ? await ledger.find(snapshot.callSid) : undefined;
    if (!call) {
      res.json({ state: snapshot.state, call: null });
      return;
    }
    await repo.insertAudit(db, { actorId: agentId, action: 'read-call', subject: call.callSid, detail: { fields: ['fromNumber', 'steps'] }, at: clock.now() });
    const hotline = call.hotlineNumber ? catalogue.hotline(call.hotlineNumber) : undefined;
    res.json({
      state: snapshot.state,
      call: {
        callSid: call.callSid,
        from: call.fromNumber,
        hotline: hotline ? { number: hotline.number, name: hotline.name } : null,
        queueSkill: call.queueSkill,
        priority: call.priority,
        greenChannel: call.greenChannel,
        priorityReason: call.priorityReason,
        enterpriseId: call.enterpriseId,
        queuedAt: call.queuedAt,
        path: (await ledger.steps(call.callSid)).map((step) => ({ node: step.nodeId, kind: step.kind, input: step.input, at: step.at })),
      },
    });
  });

  router.post('/agents/me/calls/:callSid/transfer', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params, 'path');
    res.json(await transfer(staffId(req), callSid, parseInput(transferSchema, req.body)));
  });

  router.post('/agents/me/calls/:callSid/hold', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params, 'path');
    res.json(await holds.hold(staffId(req), callSid));
  });

  router.post('/agents/me/calls/:callSid/resume', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params, 'path');
    res.json(await holds.resume(staffId(req), callSid));
  });

  router.post('/calls/:callSid/outcomes/:kind', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, { callSid: req.params.callSid }, 'path');
    const kind = String(req.params.kind);
    if (!(kind in outcomeSchemas)) throw new NotFoundError(`no such outcome kind: ${kind} (consultation, completed-by-phone, booking, other)`);
    res.status(201).json({ outcome: await outcomes.record(staffId(req), callSid, kind as OutcomePath, req.body) });
  });

  router.get('/calls/:callSid/outcomes', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, { callSid: req.params.callSid }, 'path');
    const role = req.principal?.kind === 'staff' ? req.principal.role : 'agent';
    res.json({ outcomes: await outcomes.list(callSid, { id: staffId(req), role }) });
  });

  router.get('/supervisor/calls-lacking-outcome', requireStaff('supervisor'), async (_req, res) => {
    res.json({ calls: await outcomes.lacking() });
  });

  router.get('/supervisor/agents', requireStaff('supervisor'), async (_req, res) => {
    const ids = await store.agentIds();
    res.json({ agents: await Promise.all(ids.sort().map((id) => store.agent(id))) });
  });

  router.get('/supervisor/queues', requireStaff('supervisor'), async (_req, res) => {
    const skills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));
    const queues = await Promise.all(skills.map(async (skill) => ({ skill, waiting: (await store.waiting(skill)).length, available: (await store.available(skill)).length })));
    res.json({ queues });
  });

  router.get('/agents/events', requireStaff('agent'), async (req, res) => {
    const audiences: Audience[] = [{ agentId: staffId(req) }];
    if (req.principal?.kind === 'staff' && req.principal.role !== 'agent') audiences.push('supervisors');
    // Subscribed before anything is announced: a client that sees ": connected" misses no event.
    const stops = await Promise.all(audiences.map((audience) => events.subscribe(audience, (event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`))));
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write(': connected\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      for (const stop of stops) void stop();
    });
  });

  return router;
}
