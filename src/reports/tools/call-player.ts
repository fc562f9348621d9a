import type { Runtime } from '../../runtime.js';

/** One agent's part of an answered call. */
export interface AgentLeg {
  agentId: string;
  /** Seconds from queueing (or from the transfer) to this agent answering. */
  waitSeconds: number;
  talkSeconds: number;
  wrapUpSeconds: number;
  /** The outcome the agent records at the end of wrap-up (the API's path and body); none lets wrap-up run out. */
  outcome?: { path: 'consultation' | 'completed-by-phone' | 'booking' | 'other'; body: Record<string, unknown> };
}

/** A call as the service sees it, stage by stage. */
export interface CallScript {
  callSid: string;
  hotline: string;
  from: string;
  arrivedAt: Date;
  /** Seconds in the menus before the call ends there, queues or books. */
  ivrSeconds: number;
  /** How the menus end: hung up there, booked by keypad, or queued for a department. */
  ivr: 'abandoned' | 'self-served' | 'queue';
  queue?: {
    skill: string;
    /** Answered by the first leg; a second leg means the first agent transferred the call there. */
    legs?: AgentLeg[];
    /** Not answered: hung up after this many seconds, or left for a callback. */
    leftAfterSeconds?: number;
    callback?: { attempts: number; reached: boolean; afterSeconds: number };
  };
}

/**
 * Plays one call through the service's own components, in-process, in the order Twilio's
 * webhooks and the panel would drive them: the ledger's arrival, the IVR's queueing and
 * self-service marks, agent states and routing's answer and wrap-up, the outcome API's
 * service, the IVR's callback request and the callback's dialling result, Twilio's final
 * status callback and the post-call summary. The runtime's clock must be a fixed clock that
 * the player moves. Agents must be available.
 */
export async function playCall(runtime: Runtime & { clock: { set(at: Date): void } }, script: CallScript): Promise<void> {
  const { ledger, agents, clock, catalogue } = runtime;
  const { callSid } = script;
  const t0 = script.arrivedAt.getTime();
  const at = (seconds: number) => new Date(t0 + seconds * 1000);
  const hotline = catalogue.hotline(script.hotline);
  clock.set(at(0));
  await ledger.recordArrival({ callSid, from: script.from, to: script.hotline, hotline: hotline && { number: hotline.number, hall: hotline.hall, department: hotline.department } });
  let end = script.ivrSeconds;
  if (script.ivr === 'self-served') {
    clock.set(at(script.ivrSeconds));
    await ledger.markSelfServed(callSid);
  }
  const queue = script.queue;
  if (script.ivr === 'queue' && queue) {
    const queuedAt = script.ivrSeconds;
    await ledger.recordQueued(callSid, { skill: queue.skill }, at(queuedAt));
    let t = queuedAt;
    for (const [index, leg] of (queue.legs ?? []).entries()) {
      t += leg.waitSeconds;
      clock.set(at(t));
      await agents.states.transition({ agentId: leg.agentId, from: ['available'], to: 'reserved', callSid });
      await agents.routing.agentLegStatus(leg.agentId, callSid, 'in-progress');
      t += leg.talkSeconds;
      clock.set(at(t));
      const last = index === queue.legs!.length - 1;
      if (last) {
        await agents.routing.dialEnded(leg.agentId, callSid, 'completed', 'completed');
      } else {
        // What the transfer API records before the caller rejoins the next department's queue.
        await ledger.recordEvent(callSid, 'agent', 'transferred', `transferred:${leg.agentId}:${t}`, { agentId: leg.agentId, to: { department: queue.skill } });
        await agents.routing.startWrapUp(leg.agentId, callSid, queue.skill);
      }
      clock.set(at(t + leg.wrapUpSeconds));
      await agents.desk.heartbeat(leg.agentId);
      if (leg.outcome) await agents.outcomes.record(leg.agentId, callSid, leg.outcome.path, leg.outcome.body);
      else await agents.desk.wrapUpEnded(leg.agentId, callSid);
      end = t;
    }
    if (!queue.legs?.length) {
      end = queuedAt + (queue.leftAfterSeconds ?? 0);
      clock.set(at(end));
      if (queue.callback && hotline) {
        const { request } = await runtime.callbackRequests.request({
          callSid,
          hotlineNumber: hotline.number,
          hallId: hotline.hall,
          skill: queue.skill,
          phone: script.from,
          priority: 0,
          queuedAt: at(queuedAt),
          requestedAt: at(end),
          notBefore: at(end),
        });
        for (let attempt = 1; attempt <= queue.callback.attempts; attempt += 1) {
          clock.set(at(end + queue.callback.afterSeconds * attempt));
          await runtime.callbackRequests.take(request.id, null);
          const reached = queue.callback.reached && attempt === queue.callback.attempts;
          const next = reached ? 'completed' : attempt === queue.callback.attempts ? 'given_up' : 'pending';
          if (next === 'completed') await runtime.callbackRequests.complete(request.id, null);
          else await runtime.callbackRequests.unreached(request.id, { givingUp: next === 'given_up' });
        }
      }
    }
  }
  clock.set(at(end));
  await ledger.recordStatus(
    { CallSid: callSid, CallStatus: 'completed', SequenceNumber: 9, Timestamp: at(end).toUTCString(), From: script.from, To: script.hotline, Direction: 'inbound', CallDuration: end },
    {},
  );
  await ledger.summarize(callSid);
  // Summarized here, so the worker's summary job for this call has nothing left to do.
  await runtime.queues.remove('call-summary', `call-summary-${callSid}`);
}
