import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import {
  closeRoutingRuntimes,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from '../agents/agents-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';

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

/** A supervisor logged in on the wallboard at 1366×768; page errors and CSP reports go to `problems`. */
export async function openWallboardPage(
  setup: Pick<WallboardSetup, 'browser' | 'url'>,
  supervisor: string,
  problems: string[],
): Promise<Page> {
  const page = await openWatchedPage(setup.browser, problems, { width: 1366, height: 768 });
  await page.goto(`${setup.url}/panel/`);
  await page.getByLabel('用户名').fill(supervisor);
  await page.getByLabel('密码').fill('correct horse battery');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/wallboard\.html$/);
  return page;
}
