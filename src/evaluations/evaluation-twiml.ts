import { speak, VoiceResponse } from '../platform/twiml.js';

/** Seconds the menu waits for a key: silence is 未评价. */
export const EVALUATION_GATHER_SECONDS = 6;

/**
 * The evaluation menu: one Gather of one key (keys only, so every provider's core runs it), and
 * a Redirect to the same answer URL for a provider that falls through a Gather on silence.
 */
export function evaluationMenuTwiml(
  voice: string,
  words: string,
  answerUrl: string,
): VoiceResponse {
  const response = new VoiceResponse();
  const gather = response.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: EVALUATION_GATHER_SECONDS,
    action: answerUrl,
    method: 'POST',
    actionOnEmptyResult: true,
  });
  speak(gather, voice, words);
  response.redirect({ method: 'POST' }, answerUrl);
  return response;
}

/** Words, then the end of the call. */
export function goodbyeTwiml(voice: string, words: string): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, words);
  response.hangup();
  return response;
}

/** The caller, still on the line after the agent hung up, goes to the evaluation menu. */
export function toMenuTwiml(menuUrl: string): VoiceResponse {
  const response = new VoiceResponse();
  response.redirect({ method: 'POST' }, menuUrl);
  return response;
}
