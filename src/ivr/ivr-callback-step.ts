import { e164Mainland } from '../catalogue/index.js';
import { maskPhone } from '../platform/logger.js';
import { speak, VoiceResponse } from '../platform/twiml.js';
import type { IvrCall, IvrKit } from './ivr-context.js';
import { spokenTime, spokenWhen } from './ivr-twiml.js';

/** Takes callback requests: from a callback node, after hours, or instead of waiting in a queue. */
export function createCallbackTaker(kit: IvrKit) {
  const { deps, log } = kit;
  const { prompts } = deps.catalogue;

  return {
    /**
     * Stores the request (once per call) for the caller's number, keeping their original place
     * (`queuedAt`) and queue priority, tells them when to expect the call, then hangs up or, in a provider's queue, leaves it.
     * In the service's own wait loop (`waitUrl`) the caller is hung up after `onTaken` has left the queue, or, refused, goes back to waiting.
     */
    async take(
      call: IvrCall,
      skill: string,
      options: {
        leadIn?: string | undefined;
        queuedAt?: Date | null;
        priority?: number;
        inQueue?: boolean;
        waitUrl?: string;
        onTaken?: () => Promise<void>;
      } = {},
    ): Promise<VoiceResponse> {
      const { voice } = deps;
      const response = new VoiceResponse();
      if (!e164Mainland.safeParse(call.from).success) {
        kit.step(call, 'callback', 'callback-refused', 'no caller number');
        speak(response, voice, prompts.say('callback.noNumber'));
        if (options.inQueue) {
          speak(response, voice, prompts.say('callback.noNumberInQueue'));
          if (options.waitUrl) response.redirect({ method: 'POST' }, options.waitUrl);
        } else {
          speak(response, voice, prompts.say('callback.noNumberGoodbye'));
          response.hangup();
        }
        return response;
      }
      const now = kit.now();
      const hall = kit.hallOf(skill, call);
      const hours = deps.calendar.openAt(hall.id, now);
      const notBefore = hours.open ? now : (hours.nextOpening ?? now);
      const attributes = kit.routingAttributes(call, {});
      const { created } = await deps.callbackRequests.request({
        callSid: call.callSid,
        hotlineNumber: call.hotline.number,
        hallId: hall.id,
        skill,
        phone: call.from,
        priority: Math.max(options.priority ?? 0, attributes.priority),
        queuedAt: options.queuedAt ?? now,
        requestedAt: now,
        notBefore,
      });
      kit.step(call, 'callback', 'callback-requested', skill);
      log.info(
        { callSid: call.callSid, skill, from: maskPhone(call.from), created, notBefore },
        'callback requested',
      );
      const lastSession = hours.day.sessions.at(-1);
      const when = hours.open
        ? prompts.say('callback.whenOpen', {
            time: lastSession ? spokenTime(lastSession.to) : prompts.say('callback.endOfDay'),
          })
        : prompts.say('callback.whenClosed', { when: spokenWhen(notBefore, now) });
      speak(
        response,
        voice,
        prompts.say('callback.confirm', {
          leadIn: options.leadIn ?? prompts.say('callback.registered'),
          when,
          last4: call.from.slice(-4),
        }),
      );
      await options.onTaken?.();
      if (options.inQueue && !options.waitUrl) response.leave();
      else {
        speak(response, voice, prompts.say('goodbye'));
        response.hangup();
      }
      return response;
    },
  };
}

export type CallbackTaker = ReturnType<typeof createCallbackTaker>;
