import { chromium, type Browser, type Page } from 'playwright-core';
import { requirePresent } from './required.js';

const CHROMIUM = '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
/** Chromium's Chinese resources (Debian's chromium-l10n): without them it runs in English whatever `--lang` says. */
const CHINESE_LOCALE = '/usr/lib/chromium/locales/zh-CN.pak';

/**
 * Whether Debian's Chromium and a CJK font are here: under CI a missing one fails the run, locally
 * the browser tests are skipped with one line (call from a `before` hook and skip on false).
 */
export function browserPresent(): boolean {
  const browser = requirePresent(
    CHROMIUM,
    "Debian's Chromium",
    'apt-get install chromium (.ci/run installs it)',
  );
  const font = requirePresent(
    CJK_FONT,
    'a CJK font',
    'apt-get install fonts-wqy-microhei (.ci/run installs it), so that Chinese renders',
  );
  const chinese = requirePresent(
    CHINESE_LOCALE,
    "Chromium's Chinese locale",
    "apt-get install chromium-l10n (.ci/run installs it), so that date fields read 2026/12/01 as on a hall's PC",
  );
  return browser && font && chinese;
}

/**
 * Debian's Chromium, headless, with the flags this machine needs: no sandbox as root, and no
 * background networking (its connections would be refused by the closed network). It runs in
 * Chinese, as on a hall's PC: the page's `lang` and the context's locale do not reach the date
 * fields, which follow the browser's own language (年/月/日, not mm/dd/yyyy).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=zh-CN',
      ...extraArgs,
    ],
    env: { ...process.env, LANG: 'zh_CN.UTF-8', LANGUAGE: 'zh_CN:zh' },
  });
}

/**
 * A fresh browser context (own cookies) in Chinese and Beijing time whose page adds every script
 * error and content-security-policy refusal to `problems`, for the test to assert empty.
 */
export async function openWatchedPage(
  browser: Browser,
  problems: string[],
  viewport = { width: 1280, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text()))
      problems.push(`CSP: ${message.text()}`);
  });
  return page;
}
