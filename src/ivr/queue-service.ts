import { queuedCallOf, type QueuedCall } from '../calls/index.js';
import { speak, VoiceResponse } from '../platform/twiml.js';
import type { IvrCall } from './ivr-context.js';
import type { IvrService } from './ivr-service.js';
import { buildGoodbye, buildWait } from './ivr-twiml.js';

/** The queue attributes of a queued call, as the ledger's queued stage records them. */
const queueAttributesOf = (call: QueuedCall) => ({
  skill: call.skill,
  priority: call.priority,
  priorityReason: call.priorityReason,
  greenChannel: call.greenChannel,
  commissionerId: call.preferredAgent,
});

/** Seconds between position announcements in the queue (each wait-loop turn after this much time). */
export const POSITION_EVERY_SECONDS = 45;

/** What Twilio sends to an `<Enqueue>` waitUrl (and what the service's own wait loop works out itself). */
export interface WaitParams {
  QueueSid?: string | undefined;
  QueuePosition: number;
  QueueTime: number;
  AvgQueueTime: number;
  CurrentQueueSize: number;
}

/** Expected wait in whole minutes: the queue's average wait per caller ahead, at least one minute. */
export function expectedWaitMinutes(
  params: Pick<WaitParams, 'QueuePosition' | 'AvgQueueTime' | 'CurrentQueueSize'>,
): number {
  const perCaller =
    params.CurrentQueueSize > 0
      ? params.AvgQueueTime / params.CurrentQueueSize
      : params.AvgQueueTime;
  return Math.max(1, Math.ceil((Math.max(perCaller, 30) * Math.max(params.QueuePosition, 1)) / 60));
}

/** The caller's side of waiting in a queue: music, position, the callback offer, and every way of leaving. */
export function createQueueService(ivr: IvrService) {
  const { kit, callbacks } = ivr;
  const { deps, log } = kit;
  const { prompts } = deps.catalogue;
  const stateKey = (callSid: string) => `${deps.redisPrefix}:ivr:wait:${callSid}`;

  const ownQueue = !deps.telephony.queues;
  const waitUrl = (call: IvrCall, skill: string) =>
    kit.url('/queue/wait', { menu: call.menu.id, skill });

  /**
   * What a provider queue would post to the waitUrl, from the ledger and routing's wait list: the
   * service's own wait loop has no provider queue to ask.
   */
  async function ownWaitParams(
    call: IvrCall,
    skill: string,
    queuedAt: Date | null,
  ): Promise<WaitParams> {
    const standing = await deps.routing.standing(call.callSid, skill);
    const queueTime = queuedAt
      ? Math.max(0, Math.round((kit.now().getTime() - queuedAt.getTime()) / 1000))
      : 0;
    return {
      QueuePosition: standing.position,
      QueueTime: queueTime,
      AvgQueueTime: standing.averageWaitSeconds,
      CurrentQueueSize: standing.size,
    };
  }

  /** Records how the caller left the queue and tells routing, unless routing itself took the call out. */
  async function leftQueue(
    call: IvrCall,
    skill: string,
    result: string,
    queueTime: number | undefined,
  ): Promise<void> {
    // Nothing reads it before the call's summary: it waits with the IVR path in Redis.
    await deps.ledger.keepEvent(
      call.callSid,
      'queue',
      result === 'hangup' ? 'abandoned' : `left-${result}`,
      `queue-result:${result}:${queueTime ?? ''}`,
      {
        queueResult: result,
        queueTime: queueTime ?? null,
        skill,
      },
    );
    kit.step(call, skill, `queue-${result}`, queueTime === undefined ? null : String(queueTime));
    await deps.redis.del(stateKey(call.callSid), kit.queued.key(call.callSid));
    log.info(
      { callSid: call.callSid, skill, queueResult: result, queueTime },
      'call left the queue',
    );
    if (result !== 'bridged' && result !== 'redirected') {
      await deps.routing
        .callLeftQueue(call.callSid, result)
        .catch((error: unknown) =>
          log.error(
            { callSid: call.callSid, err: (error as Error).message },
            'routing could not drop the call',
          ),
        );
    }
  }

  return {
    /**
     * One turn of the wait loop. The first turn tells routing the call is waiting, and in which
     * Twilio queue (routing records it: it dequeues the caller from it). In the service's own wait
     * loop the turn ends with a redirect back to the wait URL.
     */
    async wait(call: IvrCall, skill: string, provided: WaitParams): Promise<VoiceResponse> {
      const key = stateKey(call.callSid);
      const [last, keptText] = await deps.redis.mget(key, kit.queued.key(call.callSid));
      // The call as the IVR queued it; the ledger is read only when it was not kept.
      let kept = kit.queued.parse(keptText ?? null);
      if (last === null) {
        if (!kept) {
          const row = await deps.ledger.find(call.callSid);
          kept = (row && queuedCallOf(row)) || undefined;
        }
        if (!kept) {
          // Routing had the caller back from its own wait URL (an offer not answered after a
          // Redis loss took the queueing the offer's stages waited with): its place, written now.
          kept = await deps.routing.queuedCall(call.callSid);
          if (kept)
            await deps.ledger.recordQueued(call.callSid, queueAttributesOf(kept), kept.queuedAt);
        }
        if (!kept) {
          // Neither Redis nor the ledger holds the queueing (Redis lost it before its first
          // write): queued again from what the wait URL says, in normal priority, from now.
          log.warn(
            { callSid: call.callSid, skill },
            'a waiting call nobody holds as queued; queued again from its wait URL',
          );
          kept = await deps.ledger.holdQueued(call.callSid, call.hotline.number, { skill });
        }
        const queued = kept && { ...kept, queueSid: provided.QueueSid ?? kept.queueSid };
        if (queued)
          await deps.routing
            .callQueued(queued)
            .catch((error: unknown) =>
              log.error(
                { callSid: call.callSid, err: (error as Error).message },
                'routing could not take the queued call',
              ),
            );
        else
          log.warn(
            { callSid: call.callSid },
            'a waiting call the ledger has not; routing not told',
          );
      }
      const params = ownQueue
        ? await ownWaitParams(
            call,
            skill,
            kept ? kept.queuedAt : ((await deps.ledger.find(call.callSid))?.queuedAt ?? null),
          )
        : provided;
      const due = last === null || params.QueueTime - Number(last) >= POSITION_EVERY_SECONDS;
      if (due) await deps.redis.set(key, String(params.QueueTime), 'EX', 4 * 3600);
      const ahead = Math.max(0, params.QueuePosition - 1);
      const position = due
        ? ahead === 0
          ? prompts.say('queue.next', { minutes: expectedWaitMinutes(params) })
          : prompts.say('queue.ahead', { ahead, minutes: expectedWaitMinutes(params) })
        : undefined;
      const offer =
        due && params.QueueTime >= deps.callbackOfferSeconds
          ? {
              text: prompts.say('queue.callbackOffer'),
              action: kit.url('/queue/wait-input', { menu: call.menu.id, skill }),
            }
          : undefined;
      return buildWait({
        voice: deps.voice,
        ...(position ? { position } : {}),
        ...(offer ? { offer } : {}),
        musicUrl: deps.holdMusicUrl,
        ...(ownQueue ? { next: waitUrl(call, skill) } : {}),
      });
    },

    /** The answer to the callback offer while waiting: 1 stores the request with the original place and leaves the queue. */
    async waitInput(
      call: IvrCall,
      skill: string,
      digits: string | undefined,
    ): Promise<VoiceResponse> {
      if (digits === '1') {
        const row = await deps.ledger.find(call.callSid);
        const place = {
          queuedAt: row?.queuedAt ?? null,
          priority: row?.priority ?? 0,
          inQueue: true,
        };
        if (!ownQueue) return callbacks.take(call, skill, place);
        // No <Leave> to send the caller to the Enqueue action: the queue is left here, once the request is stored.
        const queueTime = row?.queuedAt
          ? Math.round((kit.now().getTime() - row.queuedAt.getTime()) / 1000)
          : undefined;
        return callbacks.take(call, skill, {
          ...place,
          waitUrl: waitUrl(call, skill),
          onTaken: () => leftQueue(call, skill, 'leave', queueTime),
        });
      }
      const response = new VoiceResponse();
      speak(response, deps.voice, prompts.say('queue.keepWaiting'));
      if (ownQueue) response.redirect({ method: 'POST' }, waitUrl(call, skill));
      return response;
    },

    /** The Enqueue action: how the caller left the queue (Twilio's QueueResult), recorded with the queue time. */
    async result(
      call: IvrCall,
      skill: string,
      result: string,
      queueTime: number | undefined,
    ): Promise<VoiceResponse> {
      await leftQueue(call, skill, result, queueTime);
      switch (result) {
        case 'bridged':
          return buildGoodbye(deps.voice, prompts.say('goodbye'));
        case 'hangup':
        case 'redirected':
          // The caller is gone, or routing sent the call elsewhere: Twilio ignores this answer.
          return new VoiceResponse();
        case 'leave': {
          const row = await deps.ledger.find(call.callSid);
          if (row?.callbackRequested) return buildGoodbye(deps.voice, prompts.say('goodbye'));
          return ivr.busy(call, skill, '');
        }
        case 'queue-full':
          return ivr.busy(call, skill, prompts.say('queue.full'));
        default:
          return ivr.busy(call, skill, prompts.say('queue.error'));
      }
    },
  };
}
