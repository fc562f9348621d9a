import { AppError, ConflictError, NotFoundError } from '../platform/errors.js';
import { CALLBACK_MEMBER, waitScore } from '../routing/index.js';
import { giveBack, member, type Callbacks, type CallbacksDeps } from './callback-contract.js';
import { createCallbackLegs } from './callback-legs-service.js';
import { createOutboundCalls } from './outbound-calls-service.js';

/**
 * Callbacks: requests in routing's wait lists, their reservations and "place now"; the outbound
 * legs they lead to are built by createCallbackLegs.
 */
export function createCallbacks(deps: CallbacksDeps): Callbacks {
  const { requests, store, states, routing, catalogue, calendar, queues, clock, settings } = deps;
  const log = deps.logger.child({ component: 'callbacks' });
  const allSkills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));

  async function schedulePlace(requestId: number, agentId: string, version: number): Promise<void> {
    await queues.add(
      'callback-place',
      { requestId, agentId, version },
      { jobId: `callback-place-${requestId}-${agentId}-${version}`, attempts: 1 },
    );
    // If no worker places it (or the agent's phone never rings), the agent must not stay reserved.
    await queues.add(
      'routing-offer-timeout',
      { callSid: member(requestId), agentId, version },
      {
        jobId: `offer-timeout-cb${requestId}-${agentId}-${version}`,
        delay: (settings.offerTimeoutSeconds + 60) * 1000,
        attempts: 3,
      },
    );
  }

  const placing = (requestId: number) => ({ requestId, status: 'placing' as const });
  const reservedFor = async (agentId: string, requestId: number) => {
    const agent = await store.agent(agentId);
    return agent.state === 'reserved' && agent.callSid === member(requestId);
  };

  const callbacks: Callbacks = {
    async restoreDialing() {
      let restored = 0;
      for (const request of await requests.dialing(1000)) {
        const agent = request.agentId ? await store.agent(request.agentId) : undefined;
        if (agent?.state === 'on_call') continue;
        if (await requests.giveBack(request.id, Math.max(0, request.attempts - 1))) restored += 1;
      }
      return restored;
    },

    async admitDue() {
      const now = clock.now();
      const due = await requests.due(allSkills, now, 1000);
      let admitted = 0;
      for (const request of due) {
        const open = calendar.openAt(request.hallId, now).open;
        const routed = await store.call(member(request.id));
        if (!open) {
          if (routed?.state === 'waiting') await store.leave(member(request.id));
          continue;
        }
        const target = {
          skills: [request.skill],
          priority: request.priority,
          timeoutSeconds: null,
        };
        if (
          await store.enqueue(
            member(request.id),
            waitScore(request.priority, request.queuedAt.getTime()),
            [target],
            'waiting',
            now.getTime(),
          )
        )
          admitted += 1;
        await routing.routeCall(member(request.id));
      }
      return admitted;
    },

    async reserved({ callSid, agentId, version }) {
      const requestId = Number(callSid.slice(CALLBACK_MEMBER.length));
      const started = await requests.take(requestId, agentId);
      if (!started) {
        await store.leave(callSid);
        await routing.releaseAgent(agentId, version);
        return;
      }
      await schedulePlace(requestId, agentId, version);
    },

    async placeNow(requestId, actor) {
      const agentId = actor.userId;
      const request = await requests.find(requestId);
      if (!request) throw new NotFoundError(`no such callback request: ${requestId}`);
      if (
        !actor.supervisor &&
        request.agentId !== agentId &&
        !actor.skills.includes(request.skill)
      ) {
        throw new AppError(
          'only an agent of its department, the agent who took it, or a supervisor may place this callback',
          403,
          'not_your_callback',
        );
      }
      if (request.status === 'dialing') {
        if (request.agentId === agentId && (await reservedFor(agentId, requestId)))
          return placing(requestId);
        throw new ConflictError('this callback is being placed already', 'callback_in_progress');
      }
      if (request.status !== 'pending')
        throw new ConflictError(`this callback is ${request.status}`, 'callback_closed');
      const agent = await store.agent(agentId);
      if (agent.state !== 'available') {
        if (await reservedFor(agentId, requestId)) return placing(requestId);
        throw new ConflictError(
          `the agent is ${agent.state}; a callback is placed by an available agent`,
          'agent_not_available',
        );
      }
      const reserved = await states.transition({
        agentId,
        from: ['available'],
        expectedVersion: agent.version,
        to: 'reserved',
        reason: 'callback-placed-now',
        callSid: member(requestId),
      });
      if (!reserved.ok) {
        // Two clicks at once: the one that reserved the agent places the call.
        if (await reservedFor(agentId, requestId)) return placing(requestId);
        throw new ConflictError("the agent's state changed meanwhile", 'agent_not_available');
      }
      const taken = await requests.take(requestId, agentId);
      if (!taken) {
        await routing.releaseAgent(agentId, reserved.version);
        throw new ConflictError('this callback was taken meanwhile', 'callback_in_progress');
      }
      // Out of the wait lists: routing offers it to nobody else (an offer racing this one finds it taken and frees its agent).
      await store.leave(member(requestId));
      await schedulePlace(requestId, agentId, reserved.version);
      log.info({ requestId, agentId, attempt: taken.attempts }, 'callback placed now by the agent');
      return placing(requestId);
    },

    async timedOut({ callSid, agentId, version }) {
      const requestId = Number(callSid.slice(CALLBACK_MEMBER.length));
      const request = await callbackRequestOrNull(requestId);
      await giveBack(deps, requestId, agentId, Math.max(0, (request?.attempts ?? 1) - 1));
      await routing.releaseAgent(agentId, version);
      await routing.routeCall(callSid);
    },

    ...createCallbackLegs(deps),
    ...createOutboundCalls(deps),
  };
  return callbacks;

  async function callbackRequestOrNull(requestId: number) {
    return (await requests.find(requestId)) ?? null;
  }
}
