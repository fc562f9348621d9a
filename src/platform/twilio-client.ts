import twilio from 'twilio';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/** A RequestClient that sends every request to `baseUrl` (read at each request when a function) instead of Twilio's own hosts. */
export class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string | (() => string)) {
    super({ timeout: 10_000 });
  }

  override request<TData>(options: RequestOptions & { data?: TData }) {
    return super.request<TData>({ ...options, uri: this.rewrite(options.uri) });
  }

  /** A Twilio REST URL as this client sends it. */
  rewrite(uri: string): string {
    const url = new URL(uri);
    const target = new URL(typeof this.baseUrl === 'string' ? this.baseUrl : this.baseUrl());
    return `${target.origin}${target.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`;
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * The one Twilio REST client of the service. With `apiBaseUrl` every REST call goes there
 * (a local mock in tests, a compatible provider), otherwise to api.twilio.com.
 */
export function createTwilioClient(options: {
  accountSid: string;
  authToken: string;
  apiBaseUrl?: string | (() => string) | undefined;
}): TwilioClient {
  return twilio(options.accountSid, options.authToken, {
    ...(options.apiBaseUrl ? { httpClient: new BaseUrlRequestClient(options.apiBaseUrl) } : {}),
  });
}

/** Where the client sends a request for a Twilio REST URL (`https://api.twilio.com/2010-04-01/…`): for a fetch made beside it, such as a recording's media. */
export function twilioRestUrl(client: TwilioClient, url: string): string {
  return client.httpClient instanceof BaseUrlRequestClient ? client.httpClient.rewrite(url) : url;
}
