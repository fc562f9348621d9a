import express, { type RequestHandler } from 'express';
import twilio from 'twilio';
import type { Logger } from './logger.js';

/** Parses Twilio's form-encoded webhook bodies. */
export const twilioBodyParser: RequestHandler = express.urlencoded({ extended: false, limit: '64kb' });

/**
 * Rejects a webhook whose X-Twilio-Signature does not match `publicBaseUrl` + path and the
 * POST parameters, with 403 and before anything is stored. The public URL is used, not the
 * one this process sees, because behind a proxy Twilio signed the public one.
 */
export function twilioSignatureCheck(options: { authToken: string; publicBaseUrl: string; logger: Logger }): RequestHandler {
  return (req, res, next) => {
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

/** Signs a webhook request as Twilio would; used by the caller simulator, tests and the benchmark. */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
