import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Twilio's REST API as far as a played history needs it: a transfer redirects the live call
 * (`POST /Accounts/{sid}/Calls/{sid}.json`), which Twilio answers with the call. A history is
 * in the past, so no call is live to redirect; the service's REST client is aimed here
 * (`TWILIO_API_BASE_URL`) and its requests are counted. Anything else answers 404 as Twilio would.
 */
export async function startRestStandIn(): Promise<{
  url: string;
  redirects: () => number;
  close(): Promise<void>;
}> {
  let redirects = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const call = /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(
        new URL(req.url ?? '/', 'http://x').pathname,
      );
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && call) {
        redirects += 1;
        res.end(JSON.stringify({ sid: call[1], status: 'in-progress' }));
        return;
      }
      res.statusCode = 404;
      res.end(
        JSON.stringify({
          code: 20404,
          message: 'The requested resource was not found',
          status: 404,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    redirects: () => redirects,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
