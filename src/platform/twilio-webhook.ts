import express, { type Request, type RequestHandler } from 'express';
import qs from 'qs';
import twilio from 'twilio';
import type { Logger } from './logger.js';

/** The largest webhook body read; Twilio's are a few hundred bytes. */
const FORM_LIMIT = 64 * 1024;
/** The most parameters a webhook body may have (body-parser's default). */
const PARAMETER_LIMIT = 1000;
const parseForm = express.urlencoded({
  extended: false,
  limit: FORM_LIMIT,
  parameterLimit: PARAMETER_LIMIT,
});
/** Requests whose body could not be read: no signature can be checked on them. */
const unreadable = new WeakSet<Request>();

/**
 * Parses Twilio's form-encoded webhook bodies. A body that cannot be read (junk, another
 * charset, corrupt gzip, too large) is marked, and {@link twilioSignatureCheck} refuses it.
 *
 * What Twilio sends (a UTF-8 form, not compressed, its length given) is read directly and
 * parsed as express.urlencoded({ extended: false }) parses it; anything else goes through
 * express.urlencoded itself, which handles charsets, compression and streamed bodies. On the
 * incoming-call benchmark express.urlencoded's reading took about 4 % of the app's CPU for what
 * is a few hundred bytes.
 */
export const twilioBodyParser: RequestHandler = (req, res, next) => {
  const length = plainFormLength(req);
  if (length === undefined) {
    parseForm(req, res, (error?: unknown) => {
      if (error) {
        unreadable.add(req);
        req.body = {};
      }
      next();
    });
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (body: Record<string, unknown> | undefined) => {
    if (settled) return;
    settled = true;
    if (!body) unreadable.add(req);
    req.body = body ?? {};
    next();
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received <= length) chunks.push(chunk);
  });
  // A body shorter or longer than its Content-Length, or a connection gone before its end, is not read.
  req.on('end', () =>
    settle(
      received === length
        ? parseFormText(Buffer.concat(chunks, received).toString('utf8'))
        : undefined,
    ),
  );
  req.on('error', () => settle(undefined));
};

/** The body's length when the request is a plain UTF-8 form of known length within the limit, else undefined. */
function plainFormLength(req: Request): number | undefined {
  const type = req.headers['content-type']?.toLowerCase().replace(/\s+/g, '');
  if (
    type !== 'application/x-www-form-urlencoded' &&
    type !== 'application/x-www-form-urlencoded;charset=utf-8'
  )
    return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= FORM_LIMIT ? length : undefined;
}

/** The parameters of a form body, parsed with the options express.urlencoded({ extended: false }) gives qs; undefined when it refuses them. */
function parseFormText(text: string): Record<string, unknown> | undefined {
  const count = text.split('&').length;
  if (count > PARAMETER_LIMIT) return undefined;
  try {
    return qs.parse(text, {
      allowPrototypes: true,
      arrayLimit: count,
      depth: 0,
      parameterLimit: PARAMETER_LIMIT,
      strictDepth: true,
      charset: 'utf-8',
    });
  } catch {
    return undefined; // what qs cannot take, express.urlencoded refuses too
  }
}

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
  if (typeof body.Digits === 'string' && body.Digits.length > MAX_DIGITS_LENGTH)
    body.Digits = body.Digits.slice(0, MAX_DIGITS_LENGTH);
  if (typeof body.SpeechResult === 'string' && body.SpeechResult.length > MAX_SPEECH_LENGTH)
    body.SpeechResult = body.SpeechResult.slice(0, MAX_SPEECH_LENGTH);
  next();
};

/**
 * Rejects a webhook whose X-Twilio-Signature does not match `publicBaseUrl` + path and the
 * POST parameters, with 403 and before anything is stored. The public URL is used, not the
 * one this process sees, because behind a proxy Twilio signed the public one.
 */
export function twilioSignatureCheck(options: {
  authToken: string;
  publicBaseUrl: string;
  logger: Logger;
}): RequestHandler {
  return (req, res, next) => {
    if (unreadable.has(req)) {
      // Nothing Twilio sends looks like this, and without the parameters no signature can be checked.
      options.logger.warn(
        {
          path: req.path,
          contentType: req.header('content-type'),
          contentEncoding: req.header('content-encoding'),
        },
        'rejected a webhook whose body cannot be read',
      );
      res.status(403).type('text/plain').send('Forbidden: unreadable webhook body');
      return;
    }
    const signature = req.header('X-Twilio-Signature');
    const url = `${options.publicBaseUrl}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(options.authToken, signature, url, params)) {
      options.logger.warn(
        { path: req.path, signed: Boolean(signature) },
        'rejected a webhook with a missing or wrong Twilio signature',
      );
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
export function twilioWebhookGuard(options: {
  authToken: string;
  publicBaseUrl: string;
  logger: Logger;
}): RequestHandler {
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
export function signTwilioRequest(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
