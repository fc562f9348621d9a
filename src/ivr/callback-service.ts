import { e164Mainland } from '../catalogue/index.js';
import { maskPhone } from '../platform/logger.js';
import { speak, VoiceResponse } from '../platform/twiml.js';
import type { IvrCall, IvrKit } from './ivr-context.js';
import { spokenTime, spokenWhen } from './ivr-twiml.js';

/** Takes callback requests: from a callback node, after hours, or instead of waiting in a queue. */
export function createCallbackTaker(kit: IvrKit) {
  const { deps, log } = kit;

  return {
    /**
     * Stores the request (once per call) for the caller's number, keeping their original place
     * (`queuedAt`) and queue priority, tells them when to expect the call, then hangs up or, in a queue, leaves it.
     */
    async take(call: IvrCall, skill: string, options: { leadIn?: string | undefined; queuedAt?: Date | null; priority?: number; inQueue?: boolean } = {}): Promise<VoiceResponse> {
      const { voice } = deps;
      const response = new VoiceResponse();
      if (!e164Mainland.safeParse(call.from).success) {
        kit.step(call, 'callback', 'callback-refused', 'no caller number');
        speak(response, voice, '抱歉，无法识别您的来电号码，不能为您预约回电。');
        if (options.inQueue) speak(response, voice, '请继续等待，我们会尽快为您接通。');
        else {
          speak(response, voice, '您可以在办公时间再次来电。感谢您的来电，再见。');
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
      log.info({ callSid: call.callSid, skill, from: maskPhone(call.from), created, notBefore }, 'callback requested');
      const lastSession = hours.day.sessions.at(-1);
      const when = hours.open
        ? `在工作人员空闲后尽快，最晚今天${lastSession ? spokenTime(lastSession.to) : '下班'}前`
        : `在${spokenWhen(notBefore, now)}以后`;
      speak(response, voice, `${options.leadIn ?? '好的，已为您登记回电。'}我们将${when}，拨打您尾号${call.from.slice(-4)}的来电号码给您回电，请保持电话畅通。`);
      if (options.inQueue) response.leave();
      else {
        speak(response, voice, '感谢您的来电，再见。');
        response.hangup();
      }
      return response;
    },
  };
}

export type CallbackTaker = ReturnType<typeof createCallbackTaker>;
