import type { TelephonyProfile } from '../platform/telephony-profile.js';
import { speak, VoiceResponse } from '../platform/twiml.js';
import { crossComponentVoiceUrls, VOICE_BASE_PATH, type IvrQueue } from '../platform/voice-urls.js';
import type { AgentPhone } from './agent-phone.js';
import { placeParam } from './routing-place.js';

export type { IvrQueue };

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const legParam = (leg: number): Record<string, string> => (leg > 0 ? { leg: String(leg) } : {});

/**
 * Absolute webhook URLs of the agents component, and the IVR's queue webhooks it hands to Twilio:
 * a caller put back in a queue by routing (no answer, transfer) first passes through routing's own
 * wait URL, which records the Queue SID and routes the call, then is redirected to the IVR's.
 */
export function agentUrls(publicBaseUrl: string) {
  const base = `${publicBaseUrl}${VOICE_BASE_PATH}/agents`;
  const ivr = crossComponentVoiceUrls(publicBaseUrl);
  return {
    /** `place`: the caller's place in the queue (routing-place.ts), carried to the Dial's action. */
    connect: (agentId: string, callSid: string, place?: string) =>
      `${base}/connect?${q({ agent: agentId, call: callSid, ...placeParam(place) })}`,
    /** `leg` > 0: the agent leg of the n-th resume after a hold. */
    dialResult: (agentId: string, callSid: string, leg = 0, place?: string) =>
      `${base}/dial-result?${q({ agent: agentId, call: callSid, ...legParam(leg), ...placeParam(place) })}`,
    legStatus: (agentId: string, callSid: string, leg = 0) =>
      `${base}/leg-status?${q({ agent: agentId, call: callSid, ...legParam(leg) })}`,
    hold: (callSid: string) => `${base}/hold?${q({ call: callSid })}`,
    resume: (agentId: string, callSid: string, leg: number) =>
      `${base}/resume?${q({ agent: agentId, call: callSid, leg: String(leg) })}`,
    recordingStatus: (callSid: string) => `${base}/recording-status?${q({ call: callSid })}`,
    queueWait: (callSid: string, ivr: IvrQueue, place?: string) =>
      `${base}/queue-wait?${q({ call: callSid, menu: ivr.menu, skill: ivr.skill, ...placeParam(place) })}`,
    transferEnqueue: (callSid: string, ivr: IvrQueue) =>
      `${base}/transfer-enqueue?${q({ call: callSid, menu: ivr.menu, skill: ivr.skill })}`,
    ivrQueueWait: ivr.ivrQueueWait,
    ivrQueueResult: ivr.ivrQueueResult,
  };
}
export type AgentUrls = ReturnType<typeof agentUrls>;

/** What the provider honours of a `<Dial>` beyond its action and timeout. */
export type DialFeatures = Pick<TelephonyProfile, 'dialExtras' | 'dialLegCallbacks'>;

/**
 * The queued caller, dequeued (or re-pointed) to this, rings the agent's phone: the softphone's
 * Voice SDK client, a SIP address or a desk phone. `answerOnBridge` keeps the caller hearing the
 * queue until the agent answers; the agent leg is recorded on two channels (where the provider
 * honours those attributes: Somleng's engine reads none of them).
 */
export function connectAgentTwiml(
  urls: AgentUrls,
  agentId: string,
  callSid: string,
  phone: AgentPhone,
  timeoutSeconds: number,
  timeLimitSeconds: number,
  leg: number,
  features: DialFeatures,
  place?: string,
): VoiceResponse {
  const response = new VoiceResponse();
  // Attributes in the order Twilio's own documents show them (and the tests read them).
  const extras = features.dialExtras;
  const dial = response.dial({
    ...(extras ? { answerOnBridge: true } : {}),
    timeout: timeoutSeconds,
    ...(extras ? { record: 'record-from-answer-dual' as const } : {}),
    action: urls.dialResult(agentId, callSid, leg, place),
    method: 'POST',
    ...(extras
      ? {
          // CALL_MAX_MINUTES: Twilio ends the call there, so no call outlasts the limit routing applies to agents.
          timeLimit: timeLimitSeconds,
          recordingStatusCallback: urls.recordingStatus(callSid),
          recordingStatusCallbackMethod: 'POST' as const,
          recordingStatusCallbackEvent: ['completed' as const],
        }
      : {}),
  });
  const status = features.dialLegCallbacks
    ? {
        statusCallback: urls.legStatus(agentId, callSid, leg),
        statusCallbackMethod: 'POST' as const,
        statusCallbackEvent: ['answered' as const, 'completed' as const],
      }
    : {};
  if ('sip' in phone) dial.sip(status, phone.sip);
  else if ('number' in phone) dial.number(status, phone.number);
  else {
    const client = dial.client(status);
    client.identity(phone.client);
    client.parameter({ name: 'callSid', value: callSid });
    // The panel's softphone accepts a resumed call by itself: the agent asked for it.
    if (leg > 0) client.parameter({ name: 'resume', value: '1' });
  }
  return response;
}

/**
 * A caller on hold: `words` (the catalogue's `queue.onHold`), the hold music, and back to the same URL. Twilio requests it again
 * after each round, until a resume or transfer updates the call (or the caller hangs up).
 */
export function holdLoopTwiml(
  urls: AgentUrls,
  voice: string,
  words: string,
  musicUrl: string,
  callSid: string,
): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, words);
  response.play({}, musicUrl);
  response.redirect({ method: 'POST' }, urls.hold(callSid));
  return response;
}

/** Sends the caller to the hold loop. */
export function toHoldTwiml(urls: AgentUrls, callSid: string): VoiceResponse {
  const response = new VoiceResponse();
  response.redirect({ method: 'POST' }, urls.hold(callSid));
  return response;
}

/**
 * Puts the caller back in a Twilio queue, or, without provider queues, back in the service's own
 * wait loop through routing's wait URL; routing keeps their original place.
 */
export function requeueTwiml(
  urls: AgentUrls,
  callSid: string,
  ivr: IvrQueue,
  providerQueues: boolean,
  place?: string,
): VoiceResponse {
  const response = new VoiceResponse();
  if (providerQueues)
    response.enqueue(
      {
        waitUrl: urls.queueWait(callSid, ivr, place),
        waitUrlMethod: 'POST',
        action: urls.ivrQueueResult(ivr),
        method: 'POST',
      },
      ivr.skill,
    );
  else response.redirect({ method: 'POST' }, urls.queueWait(callSid, ivr, place));
  return response;
}

/** Routing's wait URL hands the waiting caller over to the IVR's (music, position, callback offer). */
export function toIvrWaitTwiml(urls: AgentUrls, ivr: IvrQueue): VoiceResponse {
  const response = new VoiceResponse();
  response.redirect({ method: 'POST' }, urls.ivrQueueWait(ivr));
  return response;
}

/**
 * The caller joins the conference their agent's leg was moved to (a supervisor's bridge); when it
 * ends, the same Dial action as the agent's leg (wrap-up, then the 好差评 menu).
 */
export function bridgedCallerTwiml(
  urls: AgentUrls,
  agentId: string,
  callSid: string,
  leg: number,
  room: string,
): VoiceResponse {
  const response = new VoiceResponse();
  response
    .dial({ action: urls.dialResult(agentId, callSid, leg), method: 'POST' })
    .conference({ beep: 'false', startConferenceOnEnter: true, endConferenceOnExit: true }, room);
  return response;
}

/** After the agent leg ended normally: nothing more for the caller. */
export function hangupTwiml(): VoiceResponse {
  const response = new VoiceResponse();
  response.hangup();
  return response;
}
