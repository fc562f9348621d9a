import { Router, type Request } from 'express';
import { NotFoundError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { AgentDesk, Audience, CallHolds, LiveEvents, Transfer } from '../routing/index.js';
import { requireStaff } from '../staff/index.js';
import {
  callParamsSchema,
  outcomeSchemas,
  stateChangeSchema,
  transferSchema,
  type OutcomePath,
} from './desk-schemas.js';
import type { CallOutcomeList, CallOutcomeView, DeskStateChange } from './desk-responses.js';
import type { DeskService } from './desk-service.js';
import type { Outcomes } from './outcomes-service.js';
import type { Softphones } from './softphone-service.js';

export interface AgentRoutesDeps {
  desk: DeskService;
  presence: Pick<AgentDesk, 'setState' | 'heartbeat'>;
  softphones: Softphones;
  outcomes: Outcomes;
  transfer: Transfer;
  holds: CallHolds;
  events: LiveEvents;
}

const staffId = (req: Request) => (req.principal?.kind === 'staff' ? req.principal.userId : '');

/** The agent's own API (mounted under /api, after `authenticate`): state, softphone, the call on the line, outcomes, live events. */
export function createAgentRoutes(deps: AgentRoutesDeps): Router {
  const { desk, presence, softphones, outcomes, transfer, holds, events } = deps;
  const router = Router();

  router.get('/agents/me', requireStaff('agent'), async (req, res) => {
    res.json(await desk.me(staffId(req)));
  });

  router.put('/agents/me/state', requireStaff('agent'), async (req, res) => {
    const { state, reason } = parseInput(stateChangeSchema, req.body);
    const answer: DeskStateChange = { state: await presence.setState(staffId(req), state, reason) };
    res.json(answer);
  });

  router.post('/agents/me/heartbeat', requireStaff('agent'), async (req, res) => {
    await presence.heartbeat(staffId(req));
    res.status(204).end();
  });

  router.get('/agents/me/token', requireStaff('agent'), (req, res) => {
    res.json(softphones.token(staffId(req)));
  });

  // The response may hold the agent's SIP password: never cached, never logged.
  router.get('/agents/me/softphone', requireStaff('agent'), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(await softphones.registration(staffId(req)));
  });

  router.get('/agents/me/call', requireStaff('agent'), async (req, res) => {
    res.json(await desk.currentCall(staffId(req)));
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
    if (!(kind in outcomeSchemas))
      throw new NotFoundError(
        `no such outcome kind: ${kind} (consultation, completed-by-phone, booking, other)`,
      );
    res.status(201).json({
      outcome: await outcomes.record(staffId(req), callSid, kind as OutcomePath, req.body),
    });
  });

  router.get('/calls/:callSid/outcomes', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, { callSid: req.params.callSid }, 'path');
    const role = req.principal?.kind === 'staff' ? req.principal.role : 'agent';
    const rows = await outcomes.list(callSid, { id: staffId(req), role });
    const answer: CallOutcomeList = {
      outcomes: rows.map((row) => ({
        ...row,
        // Written through the outcome forms' schemas: a delivery is one deliverySchema accepted.
        details: row.details as CallOutcomeView['details'],
        recordedAt: row.recordedAt.toISOString(),
      })),
    };
    res.json(answer);
  });

  router.get('/agents/events', requireStaff('agent'), async (req, res) => {
    const audiences: Audience[] = [{ agentId: staffId(req) }];
    if (req.principal?.kind === 'staff' && req.principal.role !== 'agent')
      audiences.push('supervisors');
    // Subscribed before anything is announced: a client that sees ": connected" misses no event.
    const stops = await Promise.all(
      audiences.map((audience) =>
        events.subscribe(audience, (event) =>
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
        ),
      ),
    );
    res.status(200).set({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
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
