import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Clock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import {
  closeRoutingRuntimes,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from '../agents/agents-support.js';
import { browserPresent, launchChromium } from '../support/browser.js';

export const SCREENSHOTS = 'test-artifacts/screenshots';

/** What a wallboard browser test runs against: Twilio's mock, a routing runtime served over HTTP, Chromium. */
export interface WallboardSetup {
  mock: TwilioMock;
  runtime: Runtime;
  url: string;
  browser: Browser;
}

/** Opens the set-up in a `before` hook; skips the suite (fails it under CI) without Chromium. */
export async function openWallboardSetup(
  context: Mocha.Context,
  clock: Clock,
): Promise<WallboardSetup> {
  if (!browserPresent()) context.skip();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const mock = await startTwilioMock();
  const runtime = await routingRuntime(mock, clock);
  const url = await serveRouting(runtime);
  const browser = await launchChromium();
  return { mock, runtime, url, browser };
}

/** Closes what `openWallboardSetup` opened, whatever of it was opened. */
export async function closeWallboardSetup(setup: Partial<WallboardSetup>): Promise<void> {
  await setup.browser?.close();
  await closeRoutingRuntimes();
  await setup.mock?.close();
}
