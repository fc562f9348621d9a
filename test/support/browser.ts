import { chromium, type Browser } from 'playwright-core';
import { requirePresent } from './required.js';

const CHROMIUM = '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

/**
 * Whether Debian's Chromium and a CJK font are here: under CI a missing one fails the run, locally
 * the browser tests are skipped with one line (call from a `before` hook and skip on false).
 */
export function browserPresent(): boolean {
  const browser = requirePresent(CHROMIUM, "Debian's Chromium", 'apt-get install chromium (.ci/run installs it)');
  const font = requirePresent(CJK_FONT, 'a CJK font', 'apt-get install fonts-wqy-microhei (.ci/run installs it), so that Chinese renders');
  return browser && font;
}

/**
 * Debian's Chromium, headless, with the flags this machine needs: no sandbox as root, and no
 * background networking (its connections would be refused by the closed network).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
