import { bookPlanned, type PlayingRuntime } from './booking-player.js';
import { bookingOutcome, evaluationKey, shareOf } from './history-call-rows.js';
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
  await ledger.recordArrival({
    callSid,
    from: script.from,
    to: script.hotline,
    hotline: hotline && {
      number: hotline.number,
      hall: hotline.hall,
      department: hotline.department,
    },
  });
  let end = script.ivrSeconds;
  if (script.ivr === 'self-served') {
    if (script.ivrBooking && hotline) {
      clock.set(at(Math.max(0, script.ivrSeconds - 20)));
      await bookPlanned(
        runtime,
        script.ivrBooking,
        { channel: 'ivr', id: callSid, label: `call:${callSid}` },
        `ivr-${callSid}`,
        hotline.number,
      );
    }
    clock.set(at(script.ivrSeconds));
    await ledger.markSelfServed(callSid);
  }
  const queue = script.queue;
  if (script.ivr === 'queue' && queue) {
    const queuedAt = script.ivrSeconds;
    await ledger.recordQueued(callSid, { skill: queue.skill }, at(queuedAt));
    // The IVR would hand routing the queued call; the player drives agents by hand, so routing keeps it here.
    await routing.kept.keep({
      callSid,
      hotline: script.hotline,
      skill: queue.skill,
      priority: 0,
      priorityReason: null,
      greenChannel: false,
      preferredAgent: null,
      queuedAt: at(queuedAt),
      queueSid: null,
    });
    let t = queuedAt;
    for (const [index, leg] of (queue.legs ?? []).entries()) {
      t += leg.waitSeconds;
      clock.set(at(t));
      const reserved = await routing.states.transition({
        agentId: leg.agentId,
        from: ['available'],
        to: 'reserved',
        callSid,
      });
      // Its log row is written behind the change: the next row of this agent must come after it
      // (the statistics read an agent's rows in the order written).
      await reserved.recorded;
      await routing.acd.agentLegStatus(leg.agentId, callSid, 'in-progress');
      let outcome = leg.outcome;
      if (leg.booking) {
        // The agent books while talking; a week with no place ends as information given.
        clock.set(at(t + Math.round(leg.talkSeconds / 2)));
        const booked = await bookPlanned(
          runtime,
          leg.booking,
          { channel: 'phone', id: leg.agentId, label: `staff:${leg.agentId}` },
          `agent-${callSid}`,
        );
        outcome = bookingOutcome(booked, leg.booking.serviceId);
      }
      t += leg.talkSeconds;
      clock.set(at(t));
      const last = index === queue.legs!.length - 1;
      if (last) {
        // On a hotline with 好差评 on, the caller stays for the menu after the agent hangs up.
        const evaluating = await evaluatingOn(runtime, script.hotline);
        await routing.acd.dialEnded(
          leg.agentId,
          callSid,
          'completed',
          evaluating ? 'in-progress' : 'completed',
        );
        if (evaluating) await playEvaluation(runtime, callSid, at(t + 12));
      }
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
          const next = reached
            ? 'completed'
            : attempt === queue.callback.attempts
              ? 'given_up'
              : 'pending';
          if (next === 'completed') await runtime.callbackRequests.complete(request.id, null);
          else
            await runtime.callbackRequests.unreached(request.id, { givingUp: next === 'given_up' });
        }
      }
    }
  }
  clock.set(at(end));
  await ledger.recordStatus(
    {
      CallSid: callSid,
      CallStatus: 'completed',
      SequenceNumber: 9,
      Timestamp: at(end).toUTCString(),
      From: script.from,
      To: script.hotline,
      Direction: 'inbound',
      CallDuration: end,
    },
    {},
  );
  // The final status summarized the call (calls-status.ts).
  await followUp(runtime, callSid, at(end + 4 * 3600));
}

const evaluatingHotlines = new WeakMap<PlayingRuntime, Map<string, Promise<boolean>>>();

/** Whether a hotline asks for 好差评, read once per runtime: the history switches it on before playing and never after. */
function evaluatingOn(runtime: PlayingRuntime, hotline: string): Promise<boolean> {
  let known = evaluatingHotlines.get(runtime);
  if (!known) evaluatingHotlines.set(runtime, (known = new Map()));
  let enabled = known.get(hotline);
  if (!enabled) known.set(hotline, (enabled = runtime.evaluations.enabled(hotline)));
  return enabled;
}

/**
 * The caller's key after the call, as hotlines see them: mostly 非常满意 and 满意, some silence,
 * a few 差评 (about 2 %). A call already evaluated (a resumed run) is left as it is.
 */
export async function playEvaluation(
  runtime: PlayingRuntime,
  callSid: string,
  when: Date,
): Promise<void> {
  runtime.clock.set(when);
  await runtime.evaluations.answer(callSid, evaluationKey(callSid), 1);
}

/** A 差评's case, some hours later: the department's finding, rectification and reply, and the close; one in four is left open. */
export async function followUp(
  runtime: PlayingRuntime,
  callSid: string,
  when: Date,
): Promise<void> {
  const found = await runtime.followUps.ofCall(callSid);
  if (!found || found.status !== 'open' || shareOf(`${callSid}:follow-up`) < 0.25) return;
  runtime.clock.set(when);
  const substantiated = shareOf(`${callSid}:finding`) < 0.6;
  await runtime.followUps.recordFinding(found.id, 'demo_hall_desk', {
    finding: substantiated ? 'substantiated' : 'unsubstantiated',
    rectification: substantiated
      ? '已对窗口人员进行服务规范培训，办事材料清单在窗口和网上一次性公示'
      : '经核实，窗口按规定答复，已向来电人解释政策依据',
    reply: '已回访来电人，说明核实情况和整改措施，来电人表示理解',
  });
  await runtime.followUps.close(found.id, 'demo_hall_desk', {
    reEvaluationLevel: substantiated ? 2 : 3,
  });
}
