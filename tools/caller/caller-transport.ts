import { signTwilioRequest } from '../../src/platform/twilio-webhook.js';
import type { CallerTransport } from './caller-types.js';

/** Signs for the public URL (what Twilio signs) and sends to `targetBaseUrl` (where the service listens). */
export function createHttpTransport(options: {
  publicBaseUrl: string;
  targetBaseUrl: string;
  authToken: string;
}): CallerTransport {
  return {
    async post(publicUrl, params) {
      const target = publicUrl.startsWith(options.publicBaseUrl)
        ? `${options.targetBaseUrl}${publicUrl.slice(options.publicBaseUrl.length)}`
        : publicUrl;
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signTwilioRequest(options.authToken, publicUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      return {
        status: response.status,
        body: await response.text(),
        contentType: response.headers.get('content-type') ?? '',
      };
    },
  };
}
