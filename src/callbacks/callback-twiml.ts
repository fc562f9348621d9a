import type { TelephonyProfile } from '../platform/telephony-profile.js';
import { speak, VoiceResponse } from '../platform/twiml.js';
import { VOICE_BASE_PATH } from '../platform/voice-urls.js';

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** The webhooks of a callback's agent leg (under the agents' path, where the provider has always been sent). */
export function callbackUrls(publicBaseUrl: string) {
  const base = `${publicBaseUrl}${VOICE_BASE_PATH}/agents/callback`;
  const query = (requestId: number, agentId: string) =>
    q({ request: String(requestId), agent: agentId });
  const outbound = `${publicBaseUrl}${VOICE_BASE_PATH}/agents/outbound`;
  const agent = (agentId: string) => q({ agent: agentId });
  return {
    connect: (requestId: number, agentId: string) => `${base}/connect?${query(requestId, agentId)}`,
    result: (requestId: number, agentId: string) => `${base}/result?${query(requestId, agentId)}`,
    status: (requestId: number, agentId: string) => `${base}/status?${query(requestId, agentId)}`,
    /** An outbound call from the desk: the agent answered, the citizen's leg ended, the agent leg's status. */
    outboundConnect: (agentId: string) => `${outbound}/connect?${agent(agentId)}`,
    outboundResult: (agentId: string) => `${outbound}/result?${agent(agentId)}`,
    outboundStatus: (agentId: string) => `${outbound}/status?${agent(agentId)}`,
  };
}
export type CallbackUrls = ReturnType<typeof callbackUrls>;

/** Nothing more for this leg. */
export function hangupTwiml(): VoiceResponse {
  const response = new VoiceResponse();
  response.hangup();
  return response;
}

/** What the agent hears, then the `<Dial>` of the citizen with the hotline's number as caller ID. */
function citizenDialTwiml(
  voice: string,
  said: string,
  dial: { callerId: string; phone: string; timeoutSeconds: number; action: string },
  features: Pick<TelephonyProfile, 'dialExtras'>,
): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, said);
  response
    .dial({
      callerId: dial.callerId,
      ...(features.dialExtras ? { answerOnBridge: true } : {}),
      timeout: dial.timeoutSeconds,
      ...(features.dialExtras ? { record: 'record-from-answer-dual' as const } : {}),
      action: dial.action,
      method: 'POST',
    })
    .number(dial.phone);
  return response;
}

/** A callback: the agent has answered; tell them, then ring the citizen with the hotline's number. */
export function callbackDialTwiml(
  urls: CallbackUrls,
  voice: string,
  requestId: number,
  agentId: string,
  callerId: string,
  phone: string,
  timeoutSeconds: number,
  features: Pick<TelephonyProfile, 'dialExtras'>,
): VoiceResponse {
  return citizenDialTwiml(
    voice,
    '正在为您回拨预约来电的市民，请稍候。',
    { callerId, phone, timeoutSeconds, action: urls.result(requestId, agentId) },
    features,
  );
}

/** Said to the agent when the citizen could not be reached. */
export function callbackUnreachedTwiml(voice: string): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, '市民未接听，系统将稍后再次回拨。');
  response.hangup();
  return response;
}

/** An outbound call from the desk: the agent has answered their phone; ring the citizen with the hotline's number. */
export function outboundDialTwiml(
  urls: CallbackUrls,
  voice: string,
  agentId: string,
  callerId: string,
  phone: string,
  features: Pick<TelephonyProfile, 'dialExtras'>,
): VoiceResponse {
  return citizenDialTwiml(
    voice,
    '正在呼叫市民，请稍候。',
    { callerId, phone, timeoutSeconds: 30, action: urls.outboundResult(agentId) },
    features,
  );
}

/** Said to the agent when the citizen did not answer an outbound call. */
export function outboundUnreachedTwiml(voice: string): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, '市民未接听，请稍后再拨。');
  response.hangup();
  return response;
}
