import { bookPlanned, type PlayingRuntime } from './booking-player.js';
import type { CallScript } from './history-script.js';

export type { AgentLeg, CallScript } from './history-script.js';

/**
 * Plays one call through the service's own components, in-process, in the order Twilio's
 * webhooks and the panel would drive them: the ledger's arrival, the IVR's queueing and
 * self-service marks and keypad bookings (hold, then booking), agent states and routing's
 * answer and wrap-up, the transfer use case (with its REST redirect of the live call), bookings
 * an agent makes in the shared calendar, the outcome API's service, the IVR's callback request
 * and the callback's dialling result, Twilio's final status callback and the post-call summary.
 * The runtime's clock must be a fixed clock that the player moves. Agents must be available.
 */
export async function playCall(runtime: PlayingRuntime, script: CallScript): Promise<void> {
  const { ledger, routing, desk, clock, catalogue } = runtime;
  const { callSid } = script;
  const t0 = script.arrivedAt.getTime();
  const at = (seconds: number) => new Date(t0 + seconds * 1000);
  const hotline = catalogue.hotline(script.hotline);
  clock.set(at(0));
  await ledger.recordArrival({ callSid, from: script.from, to: script.hotline, hotline: hotline && { number: hotline.number, hall: hotline.hall, department: hotline.department } });
  let end = script.ivrSeconds;
  if (script.ivr === 'self-served') {
    if (script.ivrBooking && hotline) {
      clock.set(at(Math.max(0, script.ivrSeconds - 20)));
      await bookPlanned(runtime, script.ivrBooking, { channel: 'ivr', id: callSid, label: `call:${callSid}` }, `ivr-${callSid}`, hotline.number);
    }
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
      await routing.states.transition({ agentId: leg.agentId, from: ['available'], to: 'reserved', callSid });
      await routing.acd.agentLegStatus(leg.agentId, callSid, 'in-progress');
      let outcome = leg.outcome;
      if (leg.booking) {
        // The agent books while talking; a week with no place ends as information given.
        clock.set(at(t + Math.round(leg.talkSeconds / 2)));
        const booked = await bookPlanned(runtime, leg.booking, { channel: 'phone', id: leg.agentId, label: `staff:${leg.agentId}` }, `agent-${callSid}`);
        outcome = booked ? { path: 'booking', body: { bookingId: booked.id, bookingCode: booked.code, serviceId: leg.booking.serviceId } } : { path: 'other', body: { reason: 'information_only', note: '一周内没有可约的号' } };
      }
      t += leg.talkSeconds;
      clock.set(at(t));
      const last = index === queue.legs!.length - 1;
      if (last) await routing.acd.dialEnded(leg.agentId, callSid, 'completed', 'completed');
      // The transfer use case: back to the department's queue in the caller's place, the live call redirected, wrap-up for this agent.
      else await routing.transfer(leg.agentId, callSid, { department: queue.skill });
      clock.set(at(t + leg.wrapUpSeconds));
      await routing.presence.heartbeat(leg.agentId);
      if (outcome) await desk.outcomes.record(leg.agentId, callSid, outcome.path, outcome.body);
      else await routing.presence.wrapUpEnded(leg.agentId, callSid);
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
}
