import express, { type Request, type RequestHandler } from 'express';
import twilio from 'twilio';
import type { Logger } from './logger.js';

const parseForm = express.urlencoded({ extended: false, limit: '64kb' });
/** Requests whose body could not be read: no signature can be checked on them. */
const unreadable = new WeakSet<Request>();

/**
 * Parses Twilio's form-encoded webhook bodies. A body that cannot be read (junk, another
 * charset, corrupt gzip, too large) is marked, and {@link twilioSignatureCheck} refuses it.
 */
export const twilioBodyParser: RequestHandler = (req, res, next) => {
  parseForm(req, res, (error?: unknown) => {
    if (error) {
      unreadable.add(req);
      req.body = {};
    }
    next();
  });
};

/** The longest keyed input (`Digits`) kept: an ID number is 18 keys, a booking code 8. */
export const MAX_DIGITS_LENGTH = 32;
/** The longest recognised speech (`SpeechResult`) kept. */
export const MAX_SPEECH_LENGTH = 200;

/**
 * Bounds what a caller can key or say before any route reads or stores it: a longer value is
 * cut, so it reaches the routes as the invalid input it is. Runs after the signature check,
 * which must see the parameters as Twilio signed them.
 */
export const boundWebhookInput: RequestHandler = (req, _res, next) => {
  const body = req.body as Record<string, unknown>;
  if (typeof body.Digits === 'string' && body.Digits.length > MAX_DIGITS_LENGTH) body.Digits = body.Digits.slice(0, MAX_DIGITS_LENGTH);
  if (typeof body.SpeechResult === 'string' && body.SpeechResult.length > MAX_SPEECH_LENGTH) body.SpeechResult = body.SpeechResult.slice(0, MAX_SPEECH_LENGTH);
  next();
};

/**
 * Rejects a webhook whose X-Twilio-Signature does not match `publicBaseUrl` + path and the
 * POST parameters, with 403 and before anything is stored. The public URL is used, not the
 * one this process sees, because behind a proxy Twilio signed the public one.
 */
export function twilioSignatureCheck(options: { authToken: string; publicBaseUrl: string; logger: Logger }): RequestHandler {
  return (req, res, next) => {
    if (unreadable.has(req)) {
      // Nothing Twilio sends looks like this, and without the parameters no signature can be checked.
      options.logger.warn({ path: req.path, contentType: req.header('content-type'), contentEncoding: req.header('content-encoding') }, 'rejected a webhook whose body cannot be read');
      res.status(403).type('text/plain').send('Forbidden: unreadable webhook body');
      return;
    }
    const signature = req.header('X-Twilio-Signature');
    const url = `${options.publicBaseUrl}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(options.authToken, signature, url, params)) {
      options.logger.warn({ path: req.path, signed: Boolean(signature) }, 'rejected a webhook with a missing or wrong Twilio signature');
      res.status(403).type('text/plain').send('Forbidden: missing or invalid X-Twilio-Signature');
      return;
    }
    next();
  };
}

/**
 * What every voice webhook goes through before its route, as one middleware: the body is
 * read ({@link twilioBodyParser}), its signature checked ({@link twilioSignatureCheck}) and
 * long input cut ({@link boundWebhookInput}). One middleware rather than three, because on
 * these small requests each pass through Express's router costs about as much as a step.
 */
export function twilioWebhookGuard(options: { authToken: string; publicBaseUrl: string; logger: Logger }): RequestHandler {
  const checkSignature = twilioSignatureCheck(options);
  return (req, res, next) => {
    twilioBodyParser(req, res, () => {
      checkSignature(req, res, () => {
        boundWebhookInput(req, res, next);
      });
    });
  };
}

/** Signs a webhook request as Twilio would; used by the caller simulator, tests and the benchmark. */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
