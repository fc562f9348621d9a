import { recordReservation } from './agent-state-service.js';
import { encodePlace } from './routing-place.js';
import {
  CALLBACK_MEMBER,
  dequeueRetryDelay,
  escalationJobId,
  MAX_DEQUEUE_ATTEMPTS,
  type Routing,
  type RoutingDeps,
} from './routing-contract.js';
import type { Reservation } from './routing-state.js';

/** How routing offers a reserved call to its agent, and schedules a waiting call's escalations. */
export interface Offers {
  /**
   * Dequeues the caller to the reserved agent (or starts a reserved callback); a failed dequeue
   * is retried with backoff. True when the caller was dequeued and the offer recorded in the
   * ledger (with the call's queue SID).
   */
  offer(reservation: Reservation, attempt?: number): Promise<boolean>;
  /** Schedules the escalation of a call to its next, wider target (none when `timeoutSeconds` is null). */
  scheduleEscalation(
    callSid: string,
    epoch: number,
    target: number,
    timeoutSeconds: number | null,
  ): Promise<void>;
}

/** The offers of routing; `routing` is the ACD they belong to (it frees an agent whose offer did not go ahead). */
export function createOffers(deps: RoutingDeps, routing: () => Routing): Offers {
  const { store, kept, ledger, queues, twilio, events, clock, urls, settings } = deps;
  const providerQueues = deps.telephony.queues;
  const log = deps.logger.child({ component: 'routing' });

  async function offer(reservation: Reservation, attempt = 0): Promise<boolean> {
    if (reservation.callSid.startsWith(CALLBACK_MEMBER)) {
      await recordReservation({ events, clock }, reservation);
      await deps.callbacks.reserved(reservation);
      return false;
    }
    const { callSid, agentId, version } = reservation;
    const call = await kept.find(callSid);
    if (!call || call.ended || (providerQueues && !call.queueSid)) {
      await recordReservation({ events, clock }, reservation);
      log.warn({ callSid, agentId }, 'offered call is gone; freeing the agent');
      await store.leave(callSid);
      await routing().releaseAgent(agentId, version);
      return false;
    }
    // The timeout is scheduled before the dequeue so that an agent is never left reserved if this process dies here.
    await queues.add(
      'routing-offer-timeout',
      { callSid, agentId, version },
      {
        jobId: `offer-timeout-${callSid}-${agentId}-${version}`,
        delay: (settings.offerTimeoutSeconds + 15) * 1000,
        attempts: 3,
      },
    );
    try {
      // Without provider queues the caller is in the service's own wait loop: the live call is re-pointed.
      if (providerQueues)
        await twilio
          .queues(call.queueSid!)
          .members(callSid)
          .update({ url: urls.connect(agentId, callSid, encodePlace(call)), method: 'POST' });
      else
        await twilio
          .calls(callSid)
          .update({ url: urls.connect(agentId, callSid, encodePlace(call)), method: 'POST' });
    } catch (error) {
      // The caller is not (yet) in the Twilio queue, or Twilio's API is unreachable: the call keeps its
      // place, is held out of matching (so the agent is not offered it again at once), and is tried
      // again with backoff; after the last attempt it waits for Twilio's next wait poll.
      const last = attempt + 1 >= MAX_DEQUEUE_ATTEMPTS;
      log.warn(
        { callSid, agentId, attempt: attempt + 1, last, err: (error as Error).message },
        'dequeue failed',
      );
      await recordReservation({ events, clock }, reservation);
      await store.hold(callSid, agentId);
      await events.publish('supervisors', {
        type: 'queue',
        skill: call.skill,
        callSid,
        change: 'requeued',
        at: clock.now().toISOString(),
      });
      if (!last) {
        await queues.add(
          'routing-retry',
          { callSid, agentId, attempt: attempt + 1 },
          {
            jobId: `routing-retry-${callSid}-${agentId}-${version}`,
            delay: dequeueRetryDelay(attempt),
            attempts: 3,
          },
        );
      }
      await routing().releaseAgent(agentId, version);
      return false;
    }
    log.info({ callSid, agentId, offers: reservation.offers }, 'call offered to agent');
    // After the dequeue (the caller should not wait on bookkeeping): the call's offered stage,
    // its queue SID and its event wait in Redis for the answer (or the call's end), as the
    // reservation's log row waits for the agent's next change.
    await ledger.markOffered(callSid, {
      agentId,
      queueSid: call.queueSid,
      event: {
        source: 'agent',
        event: 'offered',
        dedupeKey: `offered:${reservation.offers}`,
        payload: { agentId },
      },
    });
    await recordReservation({ events, clock }, reservation);
    return true;
  }

  async function scheduleEscalation(
    callSid: string,
    epoch: number,
    target: number,
    timeoutSeconds: number | null,
  ): Promise<void> {
    if (timeoutSeconds === null) return;
    // The epoch (when this routing of the call began) keeps a transferred call's jobs apart from its earlier ones.
    await queues.add(
      'routing-escalate',
      { callSid, target },
      { jobId: escalationJobId(callSid, epoch, target), delay: timeoutSeconds * 1000, attempts: 3 },
    );
  }

  return { offer, scheduleEscalation };
}
