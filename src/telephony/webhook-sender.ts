import { signTwilioRequest } from '../platform/twilio-webhook.js';

/** A webhook's answer, as the provider reads it. */
export interface WebhookAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** Posts the provider's webhooks to the service. */
export interface WebhookSender {
  post(publicUrl: string, params: Record<string, string>): Promise<WebhookAnswer>;
}

/**
 * Signs each webhook for its public URL (X-Twilio-Signature with the account's auth token, what the
 * service checks) and sends it to `targetBaseUrl` when the URL is under `publicBaseUrl` (the service
 * behind a proxy, or on a local port), else to the URL itself.
 */
export function createWebhookSender(options: {
  publicBaseUrl: string;
  targetBaseUrl: () => string;
  authToken: string;
}): WebhookSender {
  return {
    async post(publicUrl, params) {
      const target = publicUrl.startsWith(options.publicBaseUrl)
        ? `${options.targetBaseUrl()}${publicUrl.slice(options.publicBaseUrl.length)}`
        : publicUrl;
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signTwilioRequest(options.authToken, publicUrl, params),
          'user-agent': 'TwilioProxy/1.1 (local telephony provider)',
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
