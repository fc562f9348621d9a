import type { ErrorRequestHandler, Response } from 'express';
import twilio from 'twilio';
import type { Logger } from './logger.js';

export type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;
export const VoiceResponse = twilio.twiml.VoiceResponse;

/** Mandarin text-to-speech: Twilio's `cmn-CN` with the configured voice. */
export const MANDARIN = 'cmn-CN';
/** Mandarin speech recognition language for `<Gather input="speech">`. */
export const MANDARIN_SPEECH = 'cmn-Hans-CN';

/** Something that can speak: a VoiceResponse or a Gather inside one. */
interface Speaker {
  say(attributes: { language?: string; voice?: string }, text: string): unknown;
  play(attributes: object, url: string): unknown;
}

/** Speaks `text` in Mandarin, or plays the recording when one is set for it. */
export function speak(
  target: Speaker,
  voice: string,
  text: string,
  audioUrl?: string | null,
): void {
  if (audioUrl) target.play({}, audioUrl);
  else target.say({ language: MANDARIN, voice: voice as never }, text);
}

/** Sends TwiML with status 200, the only status a voice route gives Twilio. */
export function sendTwiml(res: Response, twiml: VoiceResponse | string): void {
  // Written directly: Twilio neither revalidates nor caches, so Express's ETag and charset work on every answer is skipped.
  // Ended with the string itself, Node sends the headers and the body in one write (a Buffer would take two).
  const body = typeof twiml === 'string' ? twiml : twiml.toString();
  res
    .writeHead(200, {
      'Content-Type': 'text/xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(body, 'utf8'),
    })
    .end(body, 'utf8');
}

/**
 * The safe answer when something failed: `apology` (an apology, where to go instead, and a
 * goodbye, given by the composition root from the catalogue at start), then a hang-up.
 * Built without any I/O so it works with the database and Redis down.
 */
export function apologyTwiml(voice: string, apology: string): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, apology);
  response.hangup();
  return response;
}

/**
 * Error handler for voice routes: never a 5xx to Twilio, always apology TwiML.
 * Signature failures (403) are answered before this and are not errors.
 */
export function voiceErrorHandler(
  logger: Logger,
  voice: string,
  apology: string,
): ErrorRequestHandler {
  return (error, req, res, _next) => {
    logger.error(
      { err: error, path: req.path, callSid: req.body?.CallSid },
      'voice route failed; answered with apology',
    );
    if (res.headersSent) return;
    sendTwiml(res, apologyTwiml(voice, apology));
  };
}
